"""Backups against Supabase Storage as the real server answers (the fake in its recorded behaviour):
a wrong key or URL is not a missing file, deletes say what they did, races on the bucket, no
overwrites, a bucket deleted or made public, size limits, gateways and cut downloads."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.checks import run_checks

from backups.storage import reset_storage
from backups.storage.supabase import SupabaseStorage
from backups.tests.conftest import FAKE_KEY
from core.testing.client import assert_error
from core.testing.factories import create_test_tenant, drop_test_tenants

OTHER_KEY = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmVkLXdpdGgtYW5vdGhlci1zZWNyZXQ"


@pytest.fixture
def tenant(fresh_tenant, make_actor, vault_for):
    schema = fresh_tenant.schema_name
    return vault_for(schema), make_actor(schema, "admin")


def _download(vault, admin, backup):
    return vault.call("GET", f"history/{backup['id']}/download/", admin)


def test_a_wrong_key_is_a_configuration_error_not_a_missing_backup(tenant, fake_supabase, backup_settings):
    vault, admin = tenant
    backup = vault.new(admin)
    backup_settings.SUPABASE_KEY = OTHER_KEY
    reset_storage()
    body = assert_error(_download(vault, admin, backup), 503, "storage_misconfigured")
    assert "SUPABASE_KEY" in body["error"] and OTHER_KEY not in body["error"]
    restore = vault.call("POST", f"history/{backup['id']}/restore/", admin, json={"confirm": vault.tenant})
    assert_error(restore, 503, "storage_misconfigured")


def test_a_url_without_the_storage_path_is_a_configuration_error(tenant, fake_supabase, backup_settings):
    vault, admin = tenant
    backup = vault.new(admin)
    backup_settings.SUPABASE_URL = f"{fake_supabase.url}/rest/v1"
    reset_storage()
    body = assert_error(_download(vault, admin, backup), 503, "storage_misconfigured")
    assert "SUPABASE_URL" in body["error"]


def test_only_a_truly_missing_object_is_backup_missing(tenant, fake_supabase):
    vault, admin = tenant
    backup = vault.new(admin)
    fake_supabase.drop_bucket("backups")
    assert_error(_download(vault, admin, backup), 404, "backup_missing")
    other = vault.new(admin)  # the bucket is made again
    fake_supabase.remove_object("backups", f"backups/{vault.tenant}/manual/{other['file_name']}")
    assert_error(_download(vault, admin, other), 404, "backup_missing")


def test_deleting_a_backup_whose_file_is_gone_says_so(tenant, fake_supabase):
    vault, admin = tenant
    backup = vault.new(admin)
    fake_supabase.remove_object("backups", f"backups/{vault.tenant}/manual/{backup['file_name']}")
    body = assert_error(vault.call("DELETE", f"history/{backup['id']}/", admin), 404, "backup_missing")
    assert "ya no estaba" in body["error"]
    assert vault.call("GET", "history/", admin).json() == []


def test_a_backup_stays_in_the_bucket_it_was_written_to(tenant, fake_supabase, backup_settings):
    vault, admin = tenant
    backup = vault.new(admin)
    key = f"backups/{vault.tenant}/manual/{backup['file_name']}"
    backup_settings.SUPABASE_BUCKET = "otro"
    reset_storage()
    assert _download(vault, admin, backup).status_code == 200
    newer = vault.new(admin)
    assert f"backups/{vault.tenant}/manual/{newer['file_name']}" in fake_supabase.objects("otro")
    assert vault.call("DELETE", f"history/{backup['id']}/", admin).status_code == 204
    assert key not in fake_supabase.objects("backups")


def test_concurrent_first_backups_all_succeed_when_they_race_to_make_the_bucket(
    api, vault_for, make_actor, fake_supabase
):
    schemas = [f"race_{os.getpid()}_{n}_{os.urandom(3).hex()}" for n in range(4)]
    try:
        actors = []
        for schema in schemas:
            create_test_tenant(schema)
            actors.append((vault_for(schema), make_actor(schema, "admin")))
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda va: va[0].create(va[1]), actors))
        assert [a.status_code for a in answers] == [201] * 4, [a.text for a in answers]
        stored = fake_supabase.objects("backups")
        assert all(any(key.startswith(f"backups/{schema}/") for key in stored) for schema in schemas)
    finally:
        drop_test_tenants(schemas)


def test_an_object_already_at_the_key_is_never_overwritten(fake_supabase, tmp_path):
    storage = SupabaseStorage(fake_supabase.url, FAKE_KEY, "backups", 5)
    key = "backups/alfa/manual/backup_alfa_2026-01-01_00-00-00.sql.gz"
    first, second = tmp_path / "1", tmp_path / "2"
    first.write_bytes(b"primera")
    second.write_bytes(b"segunda")
    assert storage.upload(key, first) == key
    taken = storage.upload(key, second)
    assert taken == "backups/alfa/manual/backup_alfa_2026-01-01_00-00-00_2.sql.gz"
    assert (Path(fake_supabase.root) / "backups" / key).read_bytes() == b"primera"
    assert (Path(fake_supabase.root) / "backups" / taken).read_bytes() == b"segunda"


def test_a_bucket_deleted_while_the_server_runs_is_made_again(tenant, fake_supabase):
    vault, admin = tenant
    vault.new(admin)
    fake_supabase.drop_bucket("backups")
    again = vault.new(admin)
    assert f"backups/{vault.tenant}/manual/{again['file_name']}" in fake_supabase.objects("backups")


def test_a_public_bucket_is_refused_and_the_start_up_check_warns(tenant, fake_supabase):
    vault, admin = tenant
    fake_supabase.make_bucket("backups", public=True)
    body = assert_error(vault.create(admin), 503, "storage_bucket_public")
    assert "público" in body["error"]
    assert fake_supabase.objects("backups") == []
    warnings = run_checks(tags=["backups"])
    assert [w.id for w in warnings] == ["backups.W001"]


def test_a_bucket_made_public_while_the_process_runs_gets_no_more_backups(tenant, fake_supabase):
    vault, admin = tenant
    first = vault.new(admin)  # the process has checked the bucket once: private
    fake_supabase.set_public("backups")
    assert_error(vault.create(admin), 503, "storage_bucket_public")
    assert fake_supabase.objects("backups") == [f"backups/{vault.tenant}/manual/{first['file_name']}"]
    fake_supabase.set_public("backups", False)
    again = vault.new(admin)
    assert f"backups/{vault.tenant}/manual/{again['file_name']}" in fake_supabase.objects("backups")


def test_the_storage_size_limit_has_its_own_code(tenant, fake_supabase):
    vault, admin = tenant
    fake_supabase.upload_limit = 100
    body = assert_error(vault.create(admin), 507, "storage_object_too_large")
    assert "tamaño máximo" in body["error"]
    [record] = vault.call("GET", "history/", admin).json()
    assert record["estado"] == "fallido"


def test_an_invalid_bucket_name_is_a_configuration_error(tenant, fake_supabase, backup_settings):
    vault, admin = tenant
    backup_settings.SUPABASE_BUCKET = "Bad Name/x"
    reset_storage()
    body = assert_error(vault.create(admin), 503, "storage_misconfigured")
    assert "SUPABASE_BUCKET" in body["error"]


def test_a_gateways_answer_never_reaches_the_user(tenant, fake_supabase):
    vault, admin = tenant
    backup = vault.new(admin)
    fake_supabase.down = True
    for response in (vault.create(admin), _download(vault, admin, backup)):
        body = assert_error(response, 503, "backup_failed")
        assert "upstream" not in body["error"] and "invalid response" not in body["error"]


def test_a_download_cut_or_stalled_part_way_fails_cleanly(tenant, fake_supabase, backup_settings):
    vault, admin = tenant
    backup = vault.new(admin)
    fake_supabase.cut_after = 10
    assert_error(_download(vault, admin, backup), 503, "backup_failed")
    fake_supabase.cut_after = None
    fake_supabase.stall_after, fake_supabase.stall_seconds = 10, 3
    backup_settings.SUPABASE_TIMEOUT = 0.5
    reset_storage()
    assert_error(_download(vault, admin, backup), 503, "backup_failed")
    assert os.listdir(backup_settings.BACKUP_TMP_DIR) == []
    fake_supabase.stall_after = None
    assert _download(vault, admin, backup).status_code == 200
