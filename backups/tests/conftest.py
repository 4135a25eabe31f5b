import pytest

from backups.storage import reset_storage

BASE = "/api/backups/"
FAKE_KEY = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2VjcmV0LWZha2Uta2V5LWZvci10ZXN0cw"


@pytest.fixture(autouse=True)
def _backups_in_tmp(backup_settings):
    """Every test writes its backups and temporary files under its own folder."""
    return backup_settings


@pytest.fixture
def fake_supabase(tmp_path, backup_settings):
    from core.testing.fake_supabase import FakeSupabaseStorage

    server = FakeSupabaseStorage(tmp_path / "supabase", FAKE_KEY).start()
    backup_settings.BACKUP_STORAGE = "supabase"
    backup_settings.SUPABASE_URL = server.url
    backup_settings.SUPABASE_KEY = FAKE_KEY
    backup_settings.SUPABASE_BUCKET = "backups"
    backup_settings.SUPABASE_TIMEOUT = 5
    reset_storage()
    yield server
    server.stop()


class Vault:
    def __init__(self, api, tenant: str) -> None:
        self.api, self.tenant = api, tenant

    def call(self, method, path, actor=None, **kw):
        return self.api.request(
            method, f"{BASE}{path}", tenant=self.tenant, token=actor.token if actor else None, **kw
        )

    def create(self, actor):
        return self.call("POST", "create/", actor, json={"backup_type": "manual"})

    def new(self, actor) -> dict:
        response = self.create(actor)
        assert response.status_code == 201, response.text
        return response.json()["backup"]


@pytest.fixture
def vault_for(api):
    return lambda tenant: Vault(api, tenant)
