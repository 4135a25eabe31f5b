"""A token works in every process from the moment it is issued, even when the process that issued
it, or the one that checks it, has not yet learned of the tenant's last restore."""

import time

import httpx
import pytest
from django.db import connection

from core.invalidation import watcher
from core.tenancy.resolver import VERSION_KEY, tenant_of_schema
from core.testing.factories import PASSWORD, create_user, tokens_for
from core.testing.processes import gunicorn, server_env

ME = "/api/usuarios/me/"
pytestmark = pytest.mark.redis


def _me(url: str, schema: str, access: str) -> httpx.Response:
    return httpx.get(f"{url}{ME}", headers={"X-Tenant-ID": schema, "Authorization": f"Bearer {access}"})


def _restored_elsewhere(tenant_id: int) -> None:
    """What a restore committed by another process does to the tenant: a new session version, and
    the tenants' cache version bumped in the same transaction (not learned by this process)."""
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute(
            "UPDATE public.core_tenant SET sesion_version = sesion_version + 1 WHERE id = %s", [tenant_id]
        )
        watcher.bump(*VERSION_KEY, cursor=cursor)
        cursor.execute("COMMIT")


def test_a_token_issued_or_checked_by_a_process_behind_a_restore_works_everywhere(
    http_server, fresh_tenant, monkeypatch
):
    schema = fresh_tenant.schema_name
    user = create_user(schema)
    before = tokens_for(schema, user)["access"]
    with gunicorn(server_env(), workers=1, threads=2) as other:
        assert _me(other, schema, before).status_code == 200
        known = tenant_of_schema(schema)
        # this process stops looking at the cache versions: it stays behind the restore
        watcher.refresh(force=True)
        monkeypatch.setattr(watcher, "POLL_SECONDS", 3600.0)
        _restored_elsewhere(known.pk)
        deadline = time.monotonic() + 20
        while _me(other, schema, before).status_code != 401:  # the other process learns of it
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert tenant_of_schema(schema).sesion_version == known.sesion_version  # still behind here
        # issued here, behind: stamped with the database's version, so the other process takes it
        issued_here = tokens_for(schema, user)["access"]
        assert _me(other, schema, issued_here).status_code == 200
        # issued there: taken here too, though this process has not learned of the restore
        login = httpx.post(
            f"{other}/api/auth/token/",
            headers={"X-Tenant-ID": schema},
            json={"email": user.email, "password": PASSWORD},
        )
        assert login.status_code == 200, login.text
        assert _me(http_server.url, schema, login.json()["access"]).status_code == 200
