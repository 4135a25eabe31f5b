"""The backups API: tenant admins only, shapes the front-end maps, bad input, other tenants."""

import gzip

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from backups.models import BackupRecord
from core.testing.client import assert_error


@pytest.fixture
def vault(vault_for, fresh_tenant):
    return vault_for(fresh_tenant.schema_name)


@pytest.fixture
def admin(make_actor, fresh_tenant):
    return make_actor(fresh_tenant.schema_name, "admin")


def test_history_is_an_array_newest_first(vault, admin):
    assert vault.call("GET", "history/", admin).json() == []
    first, second = vault.new(admin), vault.new(admin)
    history = vault.call("GET", "history/", admin).json()
    assert [h["id"] for h in history] == [second["id"], first["id"]]
    entry = history[0]
    assert set(entry) >= {
        "id",
        "file_name",
        "file_path",
        "file_size",
        "file_size_mb",
        "backup_type",
        "estado",
        "checksum_sha256",
        "created_by",
        "created_at",
    }
    assert entry["created_by"] == {
        "id": admin.user.pk,
        "email": admin.email,
        "nombre": "Nombre",
        "apellido": "Apellido",
    }
    assert entry["estado"] == "completado" and len(entry["checksum_sha256"]) == 64
    assert entry["file_path"] == f"backups/{vault.tenant}/manual/{entry['file_name']}"
    assert entry["file_name"].startswith(f"backup_{vault.tenant}_") and entry["file_name"].endswith(".sql.gz")
    assert entry["file_size_mb"] == round(entry["file_size"] / 1048576, 2)


def test_create_answers_the_contract(vault, admin):
    response = vault.create(admin)
    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True and body["message"] == "Backup creado exitosamente"
    assert {"id", "file_name", "file_size_mb", "created_at"} <= set(body["backup"])


def test_download_streams_the_verified_file(vault, admin):
    backup = vault.new(admin)
    response = vault.call("GET", f"history/{backup['id']}/download/", admin)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"] == f'attachment; filename="{backup["file_name"]}"'
    sql = gzip.decompress(response.content).decode()
    assert f"CREATE TABLE {vault.tenant}.usuarios_usuario" in sql


def test_delete_removes_object_and_record(vault, admin, backup_settings):
    from pathlib import Path

    backup = vault.new(admin)
    stored = Path(backup_settings.BACKUP_ROOT) / f"backups/{vault.tenant}/manual/{backup['file_name']}"
    assert stored.is_file()
    response = vault.call("DELETE", f"history/{backup['id']}/", admin)
    assert response.status_code == 204 and response.content == b""
    assert not stored.exists()
    assert vault.call("GET", "history/", admin).json() == []
    assert_error(vault.call("DELETE", f"history/{backup['id']}/", admin), 404)


@pytest.mark.parametrize("rol", ["soporte", "usuario"])
def test_only_tenant_admins(vault, make_actor, fresh_tenant, rol):
    actor = make_actor(fresh_tenant.schema_name, rol)
    for method, path in [
        ("GET", "history/"),
        ("POST", "create/"),
        ("GET", "history/1/download/"),
        ("DELETE", "history/1/"),
        ("POST", "history/1/restore/"),
        ("GET", "config/"),
        ("PATCH", "config/"),
    ]:
        assert_error(vault.call(method, path, actor, json={}), 403, "permission_denied")


def test_other_tenants_and_anonymous_are_refused(vault, admin, admin_a, vault_for):
    backup = vault.new(admin)
    for method, path in [
        ("GET", "history/"),
        ("POST", "create/"),
        ("GET", f"history/{backup['id']}/download/"),
        ("DELETE", f"history/{backup['id']}/"),
        ("POST", f"history/{backup['id']}/restore/"),
        ("GET", "config/"),
    ]:
        assert_error(vault.call(method, path, admin_a, json={}), 401)  # alfa's admin token here
        assert_error(vault.call(method, path, None, json={}), 401)
    # an id that exists in both tenants: each admin gets their own tenant's backup under it
    alfa = vault_for("alfa")
    with schema_context("alfa"), connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('backups_backuprecord', 'id'), %s, false)", [backup["id"]]
        )
    shared_id = alfa.new(admin_a)["id"]
    assert shared_id == backup["id"]
    mine = alfa.call("GET", f"history/{shared_id}/download/", admin_a)
    theirs = vault.call("GET", f"history/{shared_id}/download/", admin)
    assert mine.status_code == 200 and theirs.status_code == 200
    assert b"CREATE SCHEMA alfa;" in gzip.decompress(mine.content)
    assert f"CREATE SCHEMA {vault.tenant};".encode() in gzip.decompress(theirs.content)
    assert vault.tenant.encode() not in gzip.decompress(mine.content)
    with schema_context(vault.tenant):
        assert BackupRecord.objects.filter(pk=backup["id"]).exists()


def test_from_the_public_schema_it_is_400(api, operator):
    response = api.post("/api/backups/create/", token=operator.token, json={"backup_type": "manual"})
    assert_error(response, 400, "tenant_required")


@pytest.mark.parametrize(
    "path",
    ["history/abc/download/", "history/..%2F..%2Fetc/download/", "history/1/../../download/", "history/-1/"],
)
def test_path_tricks_are_404(vault, admin, path):
    response = vault.call("GET", path, admin)
    assert_error(response, 404)
    assert "root:" not in response.text


def test_huge_ids_are_a_clean_error(vault, admin):
    # ids are at most 18 digits in the routes: a longer one is no route at all
    assert_error(vault.call("GET", f"history/{10**30}/download/", admin), 404, "not_found")


def test_create_bad_input(vault, admin):
    assert (
        "backup_type"
        in assert_error(vault.call("POST", "create/", admin, json={"backup_type": "otro"}), 400)["details"]
    )
    assert_error(
        vault.call("POST", "create/", admin, content=b"{", headers={"Content-Type": "application/json"}), 400
    )


def test_restore_needs_the_schema_name_as_confirmation(vault, admin):
    backup = vault.new(admin)
    for body in ({}, {"confirm": "alfa"}, {"confirm": ""}, {"confirm": vault.tenant.upper()}):
        assert (
            "confirm"
            in assert_error(vault.call("POST", f"history/{backup['id']}/restore/", admin, json=body), 400)[
                "details"
            ]
        )
    assert_error(vault.call("POST", "history/999999/restore/", admin, json={"confirm": vault.tenant}), 404)


def test_config_get_and_patch(vault, admin):
    assert vault.call("GET", "config/", admin).json() == {
        "schedule": "daily",
        "hora": "03:00",
        "retention": 7,
        "activo": True,
    }
    changed = vault.call(
        "PATCH", "config/", admin, json={"schedule": "every_6h", "retention": 3, "hora": "01:30"}
    )
    assert (
        changed.status_code == 200
        and changed.json()["schedule"] == "every_6h"
        and changed.json()["retention"] == 3
    )
    for bad in ({"schedule": "hourly"}, {"retention": 0}, {"retention": "muchas"}, {"hora": "25:00"}):
        assert_error(vault.call("PATCH", "config/", admin, json=bad), 400)
