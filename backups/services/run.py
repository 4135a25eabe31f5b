"""Making a backup (in the request or in the worker) and reading one back, verified."""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backups.crypto import DecryptionError
from backups.error_codes import BackupErrorCode
from backups.models import BackupRecord, EstadoBackup, TipoBackup
from backups.pipeline import BackupWriter, sha256_of
from backups.services.errors import BackupFailed, ChecksumMismatch, storage_failure
from backups.services.locks import working_lock
from backups.services.records import (
    backup_apply_retention,
    current_schema,
    new_record,
    record_completed,
    record_fail,
    schema_size,
    tmp_file,
)
from backups.storage import StorageError, storage_of
from core.errors import ConflictError
from core.schema_copy import DumpError
from core.tenancy.snapshot import dump_tenant
from usuarios.models import Usuario


def backup_create(
    *, actor: Usuario | None = None, backup_type: str = TipoBackup.MANUAL, allow_async: bool = True
) -> tuple[BackupRecord, bool]:
    """Back the current tenant up. Returns (record, finished): a tenant above
    BACKUP_SYNC_MAX_BYTES is handed to the worker and comes back `en_progreso`."""
    schema = current_schema()
    record = new_record(schema=schema, backup_type=backup_type, actor=actor)
    if allow_async and schema_size(schema) > settings.BACKUP_SYNC_MAX_BYTES:
        from backups.tasks import ejecutar_backup

        transaction.on_commit(lambda: ejecutar_backup.delay(record_id=record.pk))
        return record, False
    record = backup_run(record_id=record.pk)
    if backup_type == TipoBackup.MANUAL:
        backup_apply_retention(backup_type=TipoBackup.MANUAL)
    return record, True


def backup_run(*, record_id: int) -> BackupRecord:
    """Dump, upload and complete an `en_progreso` record (in the request or in the worker)."""
    schema = current_schema()
    record = BackupRecord.objects.get(pk=record_id)
    if record.estado != EstadoBackup.EN_PROGRESO:
        return record
    with working_lock(schema, wait=2.0) as acquired:
        if not acquired:
            record_fail(record, "Otra copia de este tenant estaba en curso.")
            raise ConflictError(
                _("Ya hay una copia de este tenant en curso."), code=BackupErrorCode.BACKUP_IN_PROGRESS
            )
        tmp = tmp_file(".part")
        try:
            with tmp:
                writer = BackupWriter(
                    tmp,
                    compress=settings.BACKUP_COMPRESSION,
                    secret=settings.BACKUP_ENCRYPTION_KEY,
                    level=settings.BACKUP_COMPRESSION_LEVEL,
                )
                dump_tenant(schema, writer.write)
                size, checksum = writer.close()
            stored_at = storage_of(record).upload(record.file_path, Path(tmp.name))
        except DumpError as exc:
            record_fail(record, str(exc))
            raise BackupFailed(_("pg_dump falló: %(e)s") % {"e": exc}) from exc
        except StorageError as exc:
            record_fail(record, f"Almacenamiento: {exc}")
            raise storage_failure(exc) from exc
        except OSError as exc:  # disk full, temp dir gone...
            record_fail(record, f"Disco: {exc.strerror or exc}")
            raise BackupFailed(_("No se pudo escribir la copia: %(e)s") % {"e": exc.strerror or exc}) from exc
        except BaseException as exc:  # anything else, even an interrupt: never leave it en_progreso
            record_fail(record, f"{exc.__class__.__name__}: {exc}")
            raise
        finally:
            with suppress(OSError):
                os.unlink(tmp.name)
    BackupRecord.objects.filter(pk=record.pk).update(
        # a key already taken in storage (by something this product did not record) got the next name
        file_path=stored_at,
        file_name=stored_at.rsplit("/", 1)[-1],
        estado=EstadoBackup.COMPLETADO,
        file_size=size,
        checksum_sha256=checksum,
        completed_at=timezone.now(),
        error="",
    )
    record.refresh_from_db()
    return record


def backup_fetch_verified(*, record_id: int) -> tuple[BackupRecord, Path]:
    """Download the stored object to a temporary file and check it against its checksum.
    The caller removes the file."""
    record = record_completed(record_id)
    tmp = tmp_file(".bak")
    try:
        with tmp:
            storage_of(record).download_to(record.file_path, tmp)
        with open(tmp.name, "rb") as stored:
            if sha256_of(stored) != record.checksum_sha256:
                raise ChecksumMismatch()
        if record.cifrado:
            check_key_opens(Path(tmp.name))
    except StorageError as exc:
        os.unlink(tmp.name)
        raise storage_failure(exc) from exc
    except BaseException:
        os.unlink(tmp.name)
        raise
    return record, Path(tmp.name)


def check_key_opens(path: Path) -> None:
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
