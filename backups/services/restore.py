"""Restoring a tenant from one of its backups."""

from __future__ import annotations

import logging
import os
import time
import zlib
from pathlib import Path

import psycopg2
from django.conf import settings
from django.core.management import call_command
from django.utils.translation import gettext_lazy as _
from psycopg2 import sql

from backups.crypto import DecryptionError
from backups.models import BackupRecord, TipoBackup
from backups.pipeline import sql_chunks
from backups.restore_security import end_sessions, keep_current_security
from backups.services.errors import BackupFailed
from backups.services.records import current_schema
from backups.services.run import backup_create, backup_fetch_verified
from core.citus import schema_distribute, sharding_off
from core.db import connection, public_schema
from core.errors import InvalidError
from core.invalidation import watcher
from core.models import Tenant
from core.schema_copy import execute_dump
from core.tenancy.levels import schema_level
from core.tenancy.maintenance import tenant_writes_paused
from core.tenancy.services import tenant_cache_clear, tenant_migration_record
from core.tenancy.template import table_columns
from usuarios.models import Usuario

logger = logging.getLogger(__name__)


KEPT_TABLES = ("backups_backuprecord", "backups_backupconfiguration")


def _columns(cursor, schema: str, table: str) -> list[str]:
    # by name through pg_class's index: information_schema scans every tenant's columns
    return table_columns(cursor, schema, [table]).get(table, [])


def _carry_history(cursor, old: str, new: str) -> None:
    """The backup history and settings describe the backups, not the data: keep today's."""
    for table in KEPT_TABLES:
        present = set(_columns(cursor, new, table))
        cols = [c for c in _columns(cursor, old, table) if c in present]
        names = sql.SQL(", ").join(sql.Identifier(c) for c in cols)
        target, source = sql.Identifier(new, table), sql.Identifier(old, table)
        cursor.execute(sql.SQL("DELETE FROM {}").format(target))
        cursor.execute(sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}").format(target, names, names, source))
        cursor.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {}"
            ).format(target),
            [f'"{new}"."{table}"'],
        )
    cursor.execute(
        sql.SQL(
            "UPDATE {new}.backups_backuprecord SET created_by_id = NULL WHERE created_by_id IS NOT NULL "
            "AND created_by_id NOT IN (SELECT id FROM {new}.usuarios_usuario)"
        ).format(new=sql.Identifier(new))
    )


def _raw_connection():
    """A connection of its own for the replacement, with every parameter Django's has (OPTIONS such
    as sslmode and connect_timeout included)."""
    return psycopg2.connect(**connection.get_connection_params())


def _replace_schema(
    schema: str,
    backup_file: Path,
    record: BackupRecord,
    *,
    keep_security: bool,
) -> dict:
    """In one transaction: move the live schema aside, replay the dump, keep the backup history
    (and, unless asked otherwise, the users' current security state), end every session, drop
    the old schema. Any failure rolls all of it back: the tenant is exactly as before."""
    aside = f"{schema}__antes_{int(time.time())}"[:63]
    secret = settings.BACKUP_ENCRYPTION_KEY if record.cifrado else None
    conn = _raw_connection()
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '30s'")
            # on Citus the replay builds a local schema (Citus refuses adding identity columns to
            # distributed tables), distributed whole to a worker once complete
            on_citus = sharding_off(cursor)
            cursor.execute(f'ALTER SCHEMA "{schema}" RENAME TO "{aside}"')
            with backup_file.open("rb") as source:
                chunks = sql_chunks(source, secret=secret, compressed=record.file_name.endswith(".gz"))
                execute_dump(cursor, chunks)
            cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
            if cursor.fetchone() is None:
                raise BackupFailed(_("La copia no contiene el schema del tenant."))
            cursor.execute("SELECT set_config('search_path', %s, true)", [f'"{schema}", public'])
            _carry_history(cursor, aside, schema)
            kept = keep_current_security(cursor, old=aside, new=schema) if keep_security else []
            ended = end_sessions(cursor, old=aside, new=schema)
            if on_citus:
                schema_distribute(cursor, schema)
            # the dump set lock_timeout to 0: do not wait forever behind a long query
            cursor.execute("SET LOCAL lock_timeout = '30s'")
            cursor.execute(f'DROP SCHEMA "{aside}" CASCADE')
    finally:
        conn.close()
    return {"sesiones_cerradas": ended, "usuarios_conservados": kept}


def backup_restore(
    *,
    record_id: int,
    actor: Usuario | None,
    confirm: str | None,
    restaurar_seguridad: bool = False,
) -> dict:
    """Replace the tenant's data with a backup's. Writes are paused for the whole of it (503
    `tenant_maintenance`), so every write acknowledged before is in the safety backup and none
    is lost; every session and token issued before ends; users keep their current active flag,
    role, password and session version unless `restaurar_seguridad` asks for the backup's."""
    schema = current_schema()
    if confirm != schema:
        raise InvalidError(
            {
                "confirm": [
                    _("Escribe el nombre del schema del tenant (%(s)s) para confirmar.") % {"s": schema}
                ]
            }
        )
    record, path = backup_fetch_verified(record_id=record_id)
    with public_schema():
        tenant_id = Tenant.objects.values_list("pk", flat=True).get(schema_name=schema)
    try:
        with tenant_writes_paused(tenant_id=tenant_id):
            safety, _finished = backup_create(actor=actor, backup_type=TipoBackup.MANUAL, allow_async=False)
            try:
                outcome = _replace_schema(schema, path, record, keep_security=not restaurar_seguridad)
            except (psycopg2.Error, DecryptionError, ValueError, UnicodeDecodeError, zlib.error) as exc:
                logger.exception("Restore of %s from %s failed; nothing changed", schema, record.file_name)
                raise BackupFailed(_("La restauración falló y no cambió nada: %(e)s") % {"e": exc}) from exc
            _after_restore(schema)
    finally:
        os.unlink(path)
    return {
        "success": True,
        "message": "Restauración completada",
        "backup_id": record.pk,
        "safety_backup_id": safety.pk,
        "seguridad": "copia" if restaurar_seguridad else "actual",
        **outcome,
    }


def _after_restore(schema: str) -> None:
    # the old connection may hold plans for the replaced tables; its session keeps the write
    # gate, so it must not be closed: DISCARD PLANS forgets them
    with connection.cursor() as cursor:
        cursor.execute("DISCARD PLANS")
    # a backup from an older release is brought up to date, and its level recorded
    call_command("migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=0)
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        level = schema_level(cursor, schema)
    tenant_migration_record(tenant=Tenant.objects.get(schema_name=schema), level=level)
    connection.set_schema(schema)
    watcher.refresh(force=True)  # this process knows the new session versions at once
    tenant_cache_clear(schema_name=schema)
