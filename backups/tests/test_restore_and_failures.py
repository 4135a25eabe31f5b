"""A backup that cannot be restored is not a backup: round trips, tampering, half-way failures,
outages, encryption, Supabase, concurrency, retention and the commands."""

import gzip
import hashlib
import io
import os
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from backups import services
from backups.crypto import MAGIC
from backups.models import BackupConfiguration, BackupRecord, EstadoBackup
from backups.tests.conftest import FAKE_KEY
from core.testing.client import assert_error
from core.testing.fill import fill_tenant
from core.testing.processes import session_database_url


def _snapshot(schema: str) -> dict[str, str]:
    """Every row of every table of the schema, hashed per table; except the backups' own and the
    sessions (a restore ends every session: it blacklists the tokens and removes the admin's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE' "
            "AND table_name NOT LIKE 'backups_%%' "
            "AND table_name NOT IN ('token_blacklist_blacklistedtoken', 'django_session') ORDER BY 1",
            [schema],
        )
        tables = [r[0] for r in cursor.fetchall()]
        result = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{schema}"."{table}" ORDER BY 1')
            result[table] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return result


@pytest.fixture
def filled(fresh_tenant, make_actor):
    schema = fresh_tenant.schema_name
    fill_tenant(schema)
    admin = make_actor(schema, "admin")
    return schema, admin


def _change_everything(schema: str) -> None:
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute("UPDATE productos_producto SET stock = 0, nombre = 'cambiado'")
        cursor.execute("DELETE FROM tickets_interaccion")
        cursor.execute("UPDATE usuarios_usuario SET nombre = 'otro'")
        cursor.execute(
            "INSERT INTO productos_categoria (nombre, slug, descripcion, activa) VALUES ('Nueva', 'nueva', '', true)"
        )


def test_round_trip_restores_every_row_and_leaves_other_tenants_alone(vault_for, filled):
    schema, admin = filled
    vault = vault_for(schema)
    before, beta_before = _snapshot(schema), _snapshot("beta")
    backup = vault.new(admin)
    _change_everything(schema)
    assert _snapshot(schema) != before
    response = vault.call("POST", f"history/{backup['id']}/restore/", admin, json={"confirm": schema})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and body["safety_backup_id"] != backup["id"]
    assert _snapshot(schema) == before
    assert _snapshot("beta") == beta_before
    # the admin's session ended with the restore
    assert_error(vault.call("GET", "history/", admin), 401, "session_revoked")
    admin.login_again()
    # the history survives the restore, with the safety backup taken just before it
    history = {h["id"]: h for h in vault.call("GET", "history/", admin).json()}
    assert {backup["id"], body["safety_backup_id"]} <= set(history)
    # the API keeps working on the restored schema (sequences included)
    assert (
        vault.api.post(
            "/api/productos/categorias/", tenant=schema, token=admin.token, json={"nombre": "Tras restaurar"}
        ).status_code
        == 201
    )


def test_a_tampered_file_is_refused_and_the_tenant_is_unchanged(vault_for, filled, backup_settings):
    schema, admin = filled
    vault = vault_for(schema)
    backup = vault.new(admin)
    stored = Path(backup_settings.BACKUP_ROOT) / f"backups/{schema}/manual/{backup['file_name']}"
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 0xFF
    stored.write_bytes(bytes(data))
    before = _snapshot(schema)
    assert_error(vault.call("GET", f"history/{backup['id']}/download/", admin), 502, "checksum_mismatch")
    restore = vault.call("POST", f"history/{backup['id']}/restore/", admin, json={"confirm": schema})
    assert_error(restore, 502, "checksum_mismatch")
    assert _snapshot(schema) == before
    stored.unlink()
    assert_error(vault.call("GET", f"history/{backup['id']}/download/", admin), 404, "backup_missing")
    assert os.listdir(backup_settings.BACKUP_TMP_DIR) == []


def _break_half_way(record: BackupRecord, root: str) -> None:
    """Rewrite the stored file so that its SQL fails half way through (a statement that divides
    by zero after some tables exist), with a checksum that matches: the fault comes from the data."""
    stored = Path(root) / record.file_path
    sql = gzip.decompress(stored.read_bytes())
    tables = [i for i in range(len(sql)) if sql.startswith(b"CREATE TABLE", i)]
    cut = tables[len(tables) // 2]
    broken = gzip.compress(sql[:cut] + b"SELECT 1/0;\n" + sql[cut:])
    stored.write_bytes(broken)
    BackupRecord.objects.filter(pk=record.pk).update(
        checksum_sha256=hashlib.sha256(broken).hexdigest(), file_size=len(broken)
    )


def test_a_restore_that_fails_half_way_changes_nothing(filled, backup_settings):
    schema, admin = filled
    with schema_context(schema):
        record, _ = services.backup_create(actor=admin.user, allow_async=False)
        _break_half_way(record, backup_settings.BACKUP_ROOT)
    _change_everything(schema)
    changed = _snapshot(schema)
    with schema_context(schema), pytest.raises(services.BackupFailed):
        services.backup_restore(record_id=record.pk, actor=admin.user, confirm=schema)
    assert _snapshot(schema) == changed
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", [f"{schema}__antes%"])
        assert cursor.fetchall() == []


def _fake_pg_dump(tmp_path, *, version: str, fail: bool) -> str:
    script = tmp_path / "pg_dump"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) {version}"; exit 0; fi\n'
        + ('echo "-- partial"; echo "pg_dump: error: connection lost" >&2; exit 1\n' if fail else "exit 0\n")
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_pg_dump_failing_marks_the_record_failed_and_cleans_up(
    vault_for, fresh_tenant, make_actor, backup_settings, tmp_path
):
    vault = vault_for(fresh_tenant.schema_name)
    admin = make_actor(fresh_tenant.schema_name, "admin")
    backup_settings.BACKUP_DUMP = "pg_dump"
    backup_settings.BACKUP_PG_DUMP = _fake_pg_dump(tmp_path, version="99.0", fail=True)
    body = assert_error(vault.create(admin), 502, "backup_failed")
    assert "connection lost" in body["error"]
    [record] = vault.call("GET", "history/", admin).json()
    assert record["estado"] == "fallido" and "connection lost" in record["error"]
    assert os.listdir(backup_settings.BACKUP_TMP_DIR) == []


def test_a_too_old_pg_dump_names_both_versions(
    vault_for, fresh_tenant, make_actor, backup_settings, tmp_path
):
    vault = vault_for(fresh_tenant.schema_name)
    admin = make_actor(fresh_tenant.schema_name, "admin")
    backup_settings.BACKUP_DUMP = "pg_dump"
    backup_settings.BACKUP_PG_DUMP = _fake_pg_dump(tmp_path, version="9.6", fail=False)
    body = assert_error(vault.create(admin), 502, "backup_failed")
    server = connection.cursor().connection.server_version // 10000
    assert "9.6" in body["error"] and f"PostgreSQL {server}" in body["error"]


def test_storage_outage_fails_cleanly(vault_for, fresh_tenant, make_actor, fake_supabase, backup_settings):
    vault = vault_for(fresh_tenant.schema_name)
    admin = make_actor(fresh_tenant.schema_name, "admin")
    fake_supabase.down = True  # the gateway answers 502
    assert_error(vault.create(admin), 503, "backup_failed")
    fake_supabase.down = False
    fake_supabase.stop()  # unreachable
    body = assert_error(vault.create(admin), 503, "backup_failed")
    assert FAKE_KEY not in body["error"]
    history = vault.call("GET", "history/", admin).json()
    assert [h["estado"] for h in history] == ["fallido", "fallido"]
    assert not BackupRecord.objects.none().exists()
    assert os.listdir(backup_settings.BACKUP_TMP_DIR) == []


def test_supabase_backend_round_trip(vault_for, filled, fake_supabase):
    schema, admin = filled
    vault = vault_for(schema)
    backup = vault.new(admin)
    key = f"backups/{schema}/manual/{backup['file_name']}"
    assert fake_supabase.objects("backups") == [key]  # the bucket was created on first use
    download = vault.call("GET", f"history/{backup['id']}/download/", admin)
    assert download.status_code == 200 and b"CREATE TABLE" in gzip.decompress(download.content)
    for response in (download, vault.call("GET", "history/", admin)):
        assert FAKE_KEY not in response.text
    before = _snapshot(schema)
    _change_everything(schema)
    assert (
        vault.call("POST", f"history/{backup['id']}/restore/", admin, json={"confirm": schema}).status_code
        == 200
    )
    assert _snapshot(schema) == before
    admin.login_again()
    assert vault.call("DELETE", f"history/{backup['id']}/", admin).status_code == 204
    assert key not in fake_supabase.objects("backups")


def test_encryption_round_trip(vault_for, filled, backup_settings):
    schema, admin = filled
    vault = vault_for(schema)
    backup_settings.BACKUP_ENCRYPTION_KEY = "una clave larga y secreta para las copias"
    backup = vault.new(admin)
    stored = Path(backup_settings.BACKUP_ROOT) / f"backups/{schema}/manual/{backup['file_name']}"
    raw = stored.read_bytes()
    assert raw.startswith(MAGIC) and b"CREATE TABLE" not in raw
    download = vault.call("GET", f"history/{backup['id']}/download/", admin)
    assert download.status_code == 200 and b"CREATE TABLE" in gzip.decompress(download.content)
    before = _snapshot(schema)
    _change_everything(schema)
    assert (
        vault.call("POST", f"history/{backup['id']}/restore/", admin, json={"confirm": schema}).status_code
        == 200
    )
    assert _snapshot(schema) == before
    admin.login_again()
    backup_settings.BACKUP_ENCRYPTION_KEY = "otra clave"
    assert_error(vault.call("GET", f"history/{backup['id']}/download/", admin), 502, "backup_key_invalid")


def test_a_racing_requests_brief_check_of_the_lock_does_not_fail_the_backup(
    vault_for, fresh_tenant, make_actor
):
    schema = fresh_tenant.schema_name
    vault, admin = vault_for(schema), make_actor(schema, "admin")
    # another request's stale-record check holds the tenant's lock for an instant
    other = psycopg2.connect(session_database_url())
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [services.lock_id(schema)])
    release = threading.Timer(0.5, other.close)
    release.start()
    try:
        response = vault.create(admin)
    finally:
        release.join()
    assert response.status_code == 201, response.text
    assert response.json()["backup"]["file_size_mb"] >= 0


def test_one_backup_at_a_time_and_stale_records_are_recognised(vault_for, fresh_tenant, make_actor):
    schema = fresh_tenant.schema_name
    vault = vault_for(schema)
    admin = make_actor(schema, "admin")
    with schema_context(schema):
        running = BackupRecord.objects.create(file_name="x", file_path="x", estado=EstadoBackup.EN_PROGRESO)
    assert_error(vault.create(admin), 409, "backup_in_progress")
    with schema_context(schema):  # the process behind it died long ago
        BackupRecord.objects.filter(pk=running.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert vault.create(admin).status_code == 201
    with schema_context(schema):
        running.refresh_from_db()
    assert running.estado == "fallido" and "Interrumpido" in running.error
    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(lambda _: vault.create(admin).status_code, range(2)))
    assert statuses in ([201, 201], [201, 409])  # never two at once
    with schema_context(schema):
        assert not BackupRecord.objects.filter(estado=EstadoBackup.EN_PROGRESO).exists()


def test_a_large_tenant_is_handed_to_the_worker_with_202(
    vault_for, fresh_tenant, make_actor, backup_settings
):
    vault = vault_for(fresh_tenant.schema_name)
    admin = make_actor(fresh_tenant.schema_name, "admin")
    backup_settings.BACKUP_SYNC_MAX_BYTES = 1
    response = vault.create(admin)
    assert response.status_code == 202 and response.json()["backup"]["estado"] == "en_progreso"
    # tasks run inline in the test settings (the worker test in tickets shows the real one)
    assert vault.call("GET", "history/", admin).json()[0]["estado"] == "completado"


def test_retention_keeps_the_newest_automatic_backups_and_every_manual_one(fresh_tenant, make_actor):
    schema = fresh_tenant.schema_name
    make_actor(schema, "admin")
    with schema_context(schema):
        services.backup_configuration_update(retention=2)
        services.backup_create(allow_async=False)  # manual
    for _ in range(3):
        call_command("backup_tenants", "--tenant", schema, "--type", "automatic", stdout=io.StringIO())
    with schema_context(schema):
        kinds = list(BackupRecord.objects.values_list("backup_type", flat=True))
    assert kinds.count("automatic") == 2 and kinds.count("manual") == 1


def test_schedule_decides_when_a_backup_is_due(fresh_tenant):
    schema = fresh_tenant.schema_name
    with schema_context(schema):
        services.backup_configuration_update(schedule="every_6h")
        assert not services.backup_is_due()  # the first comes a whole interval after the change
        assert services.backup_is_due(now=timezone.now() + timedelta(hours=6, minutes=1))
        record, _ = services.backup_create(backup_type="automatic", allow_async=False)
        assert not services.backup_is_due()
        assert services.backup_is_due(now=timezone.now() + timedelta(hours=6))
        services.backup_configuration_update(activo=False)
        assert not services.backup_is_due(now=timezone.now() + timedelta(days=30))


def test_a_daily_schedule_takes_its_first_backup_at_its_hour_not_at_start(fresh_tenant):
    from datetime import datetime, time

    schema = fresh_tenant.schema_name
    tz = timezone.get_current_timezone()
    started = datetime(2026, 12, 2, 10, 0, tzinfo=tz)  # the tenant is set up at 10:00
    with schema_context(schema):
        services.backup_configuration_update(schedule="daily", hora=time(3, 0))
        BackupConfiguration.objects.update(vigente_desde=started)
        assert not services.backup_is_due(now=started + timedelta(minutes=5))
        assert not services.backup_is_due(now=datetime(2026, 12, 3, 2, 59, tzinfo=tz))
        assert services.backup_is_due(now=datetime(2026, 12, 3, 3, 0, tzinfo=tz))
        assert services.backup_next_check(now=started + timedelta(minutes=5)) == datetime(
            2026, 12, 3, 3, 0, tzinfo=tz
        )
        # set before its hour, the first is the same day
        BackupConfiguration.objects.update(vigente_desde=datetime(2026, 12, 2, 1, 0, tzinfo=tz))
        assert services.backup_is_due(now=datetime(2026, 12, 2, 3, 0, tzinfo=tz))


def test_backup_tenants_goes_on_after_a_failure_and_exits_non_zero(
    fresh_tenant, make_actor, backup_settings, tmp_path
):
    out, err = io.StringIO(), io.StringIO()
    schema = fresh_tenant.schema_name
    call_command("backup_tenants", "--tenant", schema, "--tenant", "beta", stdout=out, stderr=err)
    assert "2 correctas, 0 fallidas" in out.getvalue()
    backup_settings.BACKUP_DUMP = "pg_dump"
    backup_settings.BACKUP_PG_DUMP = _fake_pg_dump(tmp_path, version="99.0", fail=True)
    with pytest.raises(CommandError, match="Fallaron"):
        call_command(
            "backup_tenants", "--tenant", schema, "--tenant", "beta", stdout=io.StringIO(), stderr=err
        )
    assert err.getvalue().count("FALLÓ") == 2
    with pytest.raises(CommandError, match="No existen"):
        call_command("backup_tenants", "--tenant", "nadie", stdout=io.StringIO())


def test_restore_backup_command(filled):
    schema, admin = filled
    with schema_context(schema):
        record, _ = services.backup_create(allow_async=False)
    before = _snapshot(schema)
    _change_everything(schema)
    out = io.StringIO()
    call_command("restore_backup", "--tenant", schema, "--backup", str(record.pk), "--yes", stdout=out)
    assert "restaurado" in out.getvalue() and _snapshot(schema) == before
    with pytest.raises(CommandError):
        call_command(
            "restore_backup", "--tenant", schema, "--backup", "999999", "--yes", stdout=io.StringIO()
        )
