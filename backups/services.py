"""Backups of the current tenant's schema: create, verify, delete, restore, schedules, retention.

A backup is never `completado` without a stored, checksummed object. One backup runs at a time
per tenant: a partial unique index allows a single `en_progreso` record, and the process working
on it holds a PostgreSQL advisory lock, so a record left behind by a killed process is recognised
(lock free) and marked `fallido`.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
import zlib
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path

import psycopg2
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name

from backups.crypto import DecryptionError
from backups.dump import DumpError, dump_schema
from backups.error_codes import BackupErrorCode
from backups.models import BackupConfiguration, BackupRecord, EstadoBackup, Frecuencia, TipoBackup
from backups.pipeline import BackupWriter, sha256_of, sql_chunks
from backups.restore_security import end_sessions, keep_current_security
from backups.sqlexec import execute_dump
from backups.storage import ObjectMissing, StorageError, get_storage
from core.errors import ConflictError, InvalidError, NotFoundError, UnavailableError, UpstreamError
from core.invalidation import watcher
from core.models import Tenant
from core.tenancy.errors import TenantRequired
from core.tenancy.maintenance import tenant_writes_paused
from usuarios.models import Usuario

logger = logging.getLogger(__name__)


class BackupFailed(UpstreamError):
    default_code = BackupErrorCode.BACKUP_FAILED
    default_message = _("La copia de seguridad falló.")


class StorageUnavailable(UnavailableError):
    default_code = BackupErrorCode.BACKUP_FAILED
    default_message = _("El almacenamiento de copias no está disponible.")


class BackupMissing(NotFoundError):
    default_code = BackupErrorCode.BACKUP_MISSING
    default_message = _("El archivo de la copia no está en el almacenamiento.")


class ChecksumMismatch(UpstreamError):
    default_code = BackupErrorCode.CHECKSUM_MISMATCH
    default_message = _("El archivo almacenado no coincide con su checksum: no se usará.")


# --- guard ---------------------------------------------------------------------------------
def _lock_id(schema: str) -> int:
    return zlib.crc32(f"backup:{schema}".encode())


@contextmanager
def _working_lock(schema: str, *, wait: float = 0.0):
    """Hold the tenant's backup advisory lock (session level) while working. `wait`: how long to
    keep trying, since a racing request's stale-record check holds it for an instant too."""
    deadline = time.monotonic() + wait
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_id(schema)])
            acquired = cursor.fetchone()[0]
            if acquired or time.monotonic() >= deadline:
                break
            time.sleep(0.05)
    try:
        yield acquired
    finally:
        if acquired:
            with suppress(Exception), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_id(schema)])


def _mark_stale_records(schema: str) -> None:
    """`en_progreso` records nobody is working on (the lock is free) are failures."""
    limit = timezone.now() - timedelta(seconds=settings.BACKUP_STALE_SECONDS)
    with _working_lock(schema) as free:
        if free:
            BackupRecord.objects.filter(estado=EstadoBackup.EN_PROGRESO, created_at__lt=limit).update(
                estado=EstadoBackup.FALLIDO,
                error="Interrumpido: el proceso que lo hacía terminó.",
                completed_at=timezone.now(),
            )


def _current_schema() -> str:
    schema = connection.schema_name
    if schema == get_public_schema_name():
        raise TenantRequired(_("Las copias son de un tenant: envía la cabecera X-Tenant-ID."))
    return schema


def _file_name(schema: str, folder: str) -> tuple[str, str]:
    """`backup_<schema>_<YYYY-MM-DD_HH-MM-SS>.sql[.gz]`; two backups in one second (a restore's
    safety copy right after a backup) take the next free second, never the same object."""
    moment = timezone.now()
    suffix = ".sql.gz" if settings.BACKUP_COMPRESSION else ".sql"
    while True:
        name = f"backup_{schema}_{moment.strftime('%Y-%m-%d_%H-%M-%S')}{suffix}"
        path = f"backups/{schema}/{folder}/{name}"
        if not BackupRecord.objects.filter(file_path=path).exists():
            return name, path
        moment += timedelta(seconds=1)


def _new_record(*, schema: str, backup_type: str, actor: Usuario | None) -> BackupRecord:
    folder = "manual" if backup_type == TipoBackup.MANUAL else "auto"
    name, path = _file_name(schema, folder)
    fields = {
        "file_name": name,
        "file_path": path,
        "backup_type": backup_type,
        "created_by": actor,
        "storage": settings.BACKUP_STORAGE,
        "cifrado": bool(settings.BACKUP_ENCRYPTION_KEY),
    }
    try:
        with transaction.atomic():
            return BackupRecord.objects.create(**fields)
    except IntegrityError:
        _mark_stale_records(schema)
        try:
            with transaction.atomic():
                return BackupRecord.objects.create(**fields)
        except IntegrityError as exc:
            raise ConflictError(
                _("Ya hay una copia de este tenant en curso."), code=BackupErrorCode.BACKUP_IN_PROGRESS
            ) from exc


def schema_size(schema: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'm')",
            [schema],
        )
        return int(cursor.fetchone()[0])


def _tmp_file(suffix: str):
    return tempfile.NamedTemporaryFile(suffix=suffix, dir=settings.BACKUP_TMP_DIR, delete=False)


# --- create ------------------------------------------------------------------------------------
def backup_create(
    *, actor: Usuario | None = None, backup_type: str = TipoBackup.MANUAL, allow_async: bool = True
) -> tuple[BackupRecord, bool]:
    """Back the current tenant up. Returns (record, finished): a tenant above
    BACKUP_SYNC_MAX_BYTES is handed to the worker and comes back `en_progreso`."""
    schema = _current_schema()
    record = _new_record(schema=schema, backup_type=backup_type, actor=actor)
    if allow_async and schema_size(schema) > settings.BACKUP_SYNC_MAX_BYTES:
        from backups.tasks import ejecutar_backup

        transaction.on_commit(lambda: ejecutar_backup.delay(record_id=record.pk))
        return record, False
    record = backup_run(record_id=record.pk)
    if backup_type == TipoBackup.MANUAL:
        backup_apply_retention(backup_type=TipoBackup.MANUAL)
    return record, True


def _fail(record: BackupRecord, reason: str) -> None:
    BackupRecord.objects.filter(pk=record.pk).update(
        estado=EstadoBackup.FALLIDO, error=reason[:4000], completed_at=timezone.now()
    )


def backup_run(*, record_id: int) -> BackupRecord:
    """Dump, upload and complete an `en_progreso` record (in the request or in the worker)."""
    schema = _current_schema()
    record = BackupRecord.objects.get(pk=record_id)
    if record.estado != EstadoBackup.EN_PROGRESO:
        return record
    with _working_lock(schema, wait=2.0) as acquired:
        if not acquired:
            _fail(record, "Otra copia de este tenant estaba en curso.")
            raise ConflictError(
                _("Ya hay una copia de este tenant en curso."), code=BackupErrorCode.BACKUP_IN_PROGRESS
            )
        tmp = _tmp_file(".part")
        try:
            with tmp:
                writer = BackupWriter(
                    tmp,
                    compress=settings.BACKUP_COMPRESSION,
                    secret=settings.BACKUP_ENCRYPTION_KEY,
                    level=settings.BACKUP_COMPRESSION_LEVEL,
                )
                dump_schema(schema, writer.write)
                size, checksum = writer.close()
            get_storage(record.storage).upload(record.file_path, Path(tmp.name))
        except DumpError as exc:
            _fail(record, str(exc))
            raise BackupFailed(_("pg_dump falló: %(e)s") % {"e": exc}) from exc
        except StorageError as exc:
            _fail(record, f"Almacenamiento: {exc}")
            raise StorageUnavailable(
                _("El almacenamiento de copias no está disponible: %(e)s") % {"e": exc}
            ) from exc
        except OSError as exc:  # disk full, temp dir gone...
            _fail(record, f"Disco: {exc.strerror or exc}")
            raise BackupFailed(_("No se pudo escribir la copia: %(e)s") % {"e": exc.strerror or exc}) from exc
        except BaseException as exc:  # anything else, even an interrupt: never leave it en_progreso
            _fail(record, f"{exc.__class__.__name__}: {exc}")
            raise
        finally:
            with suppress(OSError):
                os.unlink(tmp.name)
    BackupRecord.objects.filter(pk=record.pk).update(
        estado=EstadoBackup.COMPLETADO,
        file_size=size,
        checksum_sha256=checksum,
        completed_at=timezone.now(),
        error="",
    )
    record.refresh_from_db()
    return record


# --- read back ---------------------------------------------------------------------------------
def _record(record_id: int) -> BackupRecord:
    record = BackupRecord.objects.filter(pk=record_id).first()
    if record is None:
        raise NotFoundError(_("Copia no encontrada."))
    return record


def _completed(record_id: int) -> BackupRecord:
    record = _record(record_id)
    if record.estado != EstadoBackup.COMPLETADO:
        raise ConflictError(_("La copia no está completada."), code=BackupErrorCode.BACKUP_NOT_COMPLETED)
    return record


def backup_fetch_verified(*, record_id: int) -> tuple[BackupRecord, Path]:
    """Download the stored object to a temporary file and check it against its checksum.
    The caller removes the file."""
    record = _completed(record_id)
    tmp = _tmp_file(".bak")
    try:
        with tmp:
            get_storage(record.storage).download_to(record.file_path, tmp)
        with open(tmp.name, "rb") as stored:
            if sha256_of(stored) != record.checksum_sha256:
                raise ChecksumMismatch()
        if record.cifrado:
            _check_key_opens(Path(tmp.name))
    except ObjectMissing as exc:
        os.unlink(tmp.name)
        raise BackupMissing() from exc
    except StorageError as exc:
        os.unlink(tmp.name)
        raise StorageUnavailable(
            _("El almacenamiento de copias no está disponible: %(e)s") % {"e": exc}
        ) from exc
    except BaseException:
        os.unlink(tmp.name)
        raise
    return record, Path(tmp.name)


def _check_key_opens(path: Path) -> None:
    if not settings.BACKUP_ENCRYPTION_KEY:
        raise BackupFailed(
            _("La copia está cifrada y BACKUP_ENCRYPTION_KEY no está definido."),
            code=BackupErrorCode.BACKUP_KEY_MISSING,
        )
    from backups.crypto import decrypt_chunks

    with path.open("rb") as source:
        try:
            next(decrypt_chunks(source, settings.BACKUP_ENCRYPTION_KEY))
        except DecryptionError as exc:
            raise BackupFailed(
                _("No se pudo descifrar la copia: %(e)s") % {"e": exc},
                code=BackupErrorCode.BACKUP_KEY_INVALID,
            ) from exc


def backup_delete(*, record_id: int) -> None:
    record = _record(record_id)
    if record.estado == EstadoBackup.EN_PROGRESO:
        raise ConflictError(_("La copia está en curso."), code=BackupErrorCode.BACKUP_IN_PROGRESS)
    try:
        get_storage(record.storage).delete(record.file_path)
    except StorageError as exc:
        raise StorageUnavailable(
            _("El almacenamiento de copias no está disponible: %(e)s") % {"e": exc}
        ) from exc
    record.delete()


# --- retention and schedules -------------------------------------------------------------------
def backup_configuration() -> BackupConfiguration:
    config = BackupConfiguration.objects.order_by("id").first()
    return config or BackupConfiguration.objects.create()


@transaction.atomic
def backup_configuration_update(**fields) -> BackupConfiguration:
    config = backup_configuration()
    for name, value in fields.items():
        setattr(config, name, value)
    config.save()
    return config


def backup_apply_retention(*, backup_type: str = TipoBackup.AUTOMATIC) -> int:
    """Delete backups of this type beyond the number kept (object and record): automatic ones
    by the tenant's configuration, manual ones by BACKUP_MANUAL_KEEP."""
    keep = (
        backup_configuration().retention
        if backup_type == TipoBackup.AUTOMATIC
        else settings.BACKUP_MANUAL_KEEP
    )
    old = list(
        BackupRecord.objects.filter(backup_type=backup_type)
        .exclude(estado=EstadoBackup.EN_PROGRESO)
        .order_by("-created_at", "-id")[keep:]
    )
    for record in old:
        try:
            get_storage(record.storage).delete(record.file_path)
        except StorageError:
            logger.warning("Retention could not delete %s; kept for the next run", record.file_path)
            continue
        record.delete()
    return len(old)


INTERVALS = {
    Frecuencia.DAILY: timedelta(days=1),
    Frecuencia.EVERY_12H: timedelta(hours=12),
    Frecuencia.EVERY_6H: timedelta(hours=6),
    Frecuencia.WEEKLY: timedelta(days=7),
}


def backup_is_due(*, now=None) -> bool:
    """Due when the interval has passed since the last automatic backup started and, for daily
    and weekly schedules, today's `hora` has been reached."""
    config = backup_configuration()
    if not config.activo:
        return False
    now = now or timezone.now()
    last = (
        BackupRecord.objects.filter(backup_type=TipoBackup.AUTOMATIC)
        .exclude(estado=EstadoBackup.FALLIDO)
        .first()
    )
    if last and now - last.created_at < INTERVALS[config.schedule] - timedelta(minutes=10):
        return False
    if config.schedule in (Frecuencia.DAILY, Frecuencia.WEEKLY):
        return timezone.localtime(now).time() >= config.hora
    return True


def backup_automatic() -> BackupRecord | None:
    """The scheduled backup of the current tenant, if due, then retention."""
    if not backup_is_due():
        return None
    record, _finished = backup_create(backup_type=TipoBackup.AUTOMATIC, allow_async=False)
    backup_apply_retention()
    return record


# --- restore -----------------------------------------------------------------------------------
KEPT_TABLES = ("backups_backuprecord", "backups_backupconfiguration")


def _columns(cursor, schema: str, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
        [schema, table],
    )
    return [r[0] for r in cursor.fetchall()]


def _carry_history(cursor, old: str, new: str) -> None:
    """The backup history and settings describe the backups, not the data: keep today's."""
    for table in KEPT_TABLES:
        cols = [c for c in _columns(cursor, old, table) if c in set(_columns(cursor, new, table))]
        names = ", ".join(f'"{c}"' for c in cols)
        cursor.execute(f'DELETE FROM "{new}"."{table}"')
        cursor.execute(f'INSERT INTO "{new}"."{table}" ({names}) SELECT {names} FROM "{old}"."{table}"')
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{new}\".\"{table}\"', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) "
            f'FROM "{new}"."{table}"'
        )
    cursor.execute(
        f'UPDATE "{new}".backups_backuprecord SET created_by_id = NULL WHERE created_by_id IS NOT NULL '
        f'AND created_by_id NOT IN (SELECT id FROM "{new}".usuarios_usuario)'
    )


def _raw_connection():
    db = settings.DATABASES["default"]
    return psycopg2.connect(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        connect_timeout=10,
    )


def _replace_schema(
    schema: str,
    backup_file: Path,
    record: BackupRecord,
    *,
    keep_security: bool,
    fail_after: int | None = None,
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
            cursor.execute(f'ALTER SCHEMA "{schema}" RENAME TO "{aside}"')
            with backup_file.open("rb") as source:
                chunks = sql_chunks(source, secret=secret, compressed=record.file_name.endswith(".gz"))
                if fail_after is not None:
                    chunks = _fail_after(chunks, fail_after)
                execute_dump(cursor, chunks)
            cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
            if cursor.fetchone() is None:
                raise BackupFailed(_("La copia no contiene el schema del tenant."))
            cursor.execute("SELECT set_config('search_path', %s, true)", [f'"{schema}", public'])
            _carry_history(cursor, aside, schema)
            kept = keep_current_security(cursor, old=aside, new=schema) if keep_security else []
            ended = end_sessions(cursor, old=aside, new=schema)
            # the dump set lock_timeout to 0: do not wait forever behind a long query
            cursor.execute("SET LOCAL lock_timeout = '30s'")
            cursor.execute(f'DROP SCHEMA "{aside}" CASCADE')
    finally:
        conn.close()
    return {"sesiones_cerradas": ended, "usuarios_conservados": kept}


def _fail_after(chunks, count: int, piece: int = 4096):
    """Test hook (fault injection): the dump's SQL in small pieces, dying after `count` of them."""
    sent = 0
    for chunk in chunks:
        for start in range(0, len(chunk), piece):
            if sent >= count:
                raise BackupFailed(_("Restauración interrumpida."))
            sent += 1
            yield chunk[start : start + piece]


def backup_restore(
    *,
    record_id: int,
    actor: Usuario | None,
    confirm: str | None,
    restaurar_seguridad: bool = False,
    _fail_after: int | None = None,
) -> dict:
    """Replace the tenant's data with a backup's. Writes are paused for the whole of it (503
    `tenant_maintenance`), so every write acknowledged before is in the safety backup and none
    is lost; every session and token issued before ends; users keep their current active flag,
    role, password and session version unless `restaurar_seguridad` asks for the backup's."""
    schema = _current_schema()
    if confirm != schema:
        raise InvalidError(
            {
                "confirm": [
                    _("Escribe el nombre del schema del tenant (%(s)s) para confirmar.") % {"s": schema}
                ]
            }
        )
    record, path = backup_fetch_verified(record_id=record_id)
    tenant_id = Tenant.objects.values_list("pk", flat=True).get(schema_name=schema)
    try:
        with tenant_writes_paused(tenant_id=tenant_id):
            safety, _finished = backup_create(actor=actor, backup_type=TipoBackup.MANUAL, allow_async=False)
            try:
                outcome = _replace_schema(
                    schema, path, record, keep_security=not restaurar_seguridad, fail_after=_fail_after
                )
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
    from core.tenancy.services import tenant_cache_clear

    # the old connection may hold plans for the replaced tables; its session keeps the write
    # gate, so it must not be closed: DISCARD PLANS forgets them
    with connection.cursor() as cursor:
        cursor.execute("DISCARD PLANS")
    call_command("migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=0)
    connection.set_schema(schema)
    watcher.refresh(force=True)  # this process knows the new session versions at once
    tenant_cache_clear(schema_name=schema)
