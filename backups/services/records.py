"""Backup records: naming, creating, failing, finding, deleting and pruning them."""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name

from backups.error_codes import BackupErrorCode
from backups.models import BackupConfiguration, BackupRecord, EstadoBackup, TipoBackup
from backups.services.errors import BackupMissing, storage_failure
from backups.services.locks import mark_stale_records
from backups.storage import ObjectMissing, StorageError, storage_of
from core.citus import citus_active
from core.db import connection
from core.errors import ConflictError, NotFoundError
from core.tenancy.errors import TenantRequired
from core.tenancy.levels import schema_level
from core.tenancy.template import definition_for_level
from usuarios.models import Usuario

logger = logging.getLogger(__name__)


def current_schema() -> str:
    schema = connection.schema_name
    if schema == get_public_schema_name():
        raise TenantRequired(message=_("Las copias son de un tenant: envía la cabecera X-Tenant-ID."))
    return schema


def file_name(schema: str, folder: str) -> tuple[str, str]:
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


def new_record(*, schema: str, backup_type: str, actor: Usuario | None) -> BackupRecord:
    folder = "manual" if backup_type == TipoBackup.MANUAL else "auto"
    name, path = file_name(schema, folder)
    fields = {
        "file_name": name,
        "file_path": path,
        "backup_type": backup_type,
        "created_by": actor,
        "storage": settings.BACKUP_STORAGE,
        "bucket": settings.SUPABASE_BUCKET if settings.BACKUP_STORAGE == "supabase" else "",
        "cifrado": bool(settings.BACKUP_ENCRYPTION_KEY),
    }
    try:
        with transaction.atomic():
            return BackupRecord.objects.create(**fields)
    except IntegrityError:
        mark_stale_records(schema)
        try:
            with transaction.atomic():
                return BackupRecord.objects.create(**fields)
        except IntegrityError as exc:
            raise ConflictError(
                _("Ya hay una copia de este tenant en curso."), code=BackupErrorCode.BACKUP_IN_PROGRESS
            ) from exc


def schema_size(schema: str) -> int:
    """The tenant's tables with their indexes and TOAST, found by name (the template's list at
    the tenant's level) rather than by scanning pg_class, which holds every tenant's relations."""
    with connection.cursor() as cursor:
        definition = definition_for_level(schema_level(cursor, schema))
        if definition is not None:
            # on Citus the coordinator's own size of a distributed table is a stale empty shell
            size = "citus_total_relation_size" if citus_active(cursor) else "pg_total_relation_size"
            cursor.execute(
                f"SELECT COALESCE(SUM({size}(to_regclass(format('%%I.%%I', %s::text, t)))), 0) "  # noqa: S608
                "FROM unnest(%s::text[]) t",
                [schema, list(definition.tablas)],
            )
            return int(cursor.fetchone()[0])
        cursor.execute(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'm')",
            [schema],
        )
        return int(cursor.fetchone()[0])


def tmp_file(suffix: str):
    return tempfile.NamedTemporaryFile(suffix=suffix, dir=settings.BACKUP_TMP_DIR, delete=False)


def record_fail(record: BackupRecord, reason: str) -> None:
    BackupRecord.objects.filter(pk=record.pk).update(
        estado=EstadoBackup.FALLIDO, error=reason[:4000], completed_at=timezone.now()
    )


def record_get(record_id: int) -> BackupRecord:
    record = BackupRecord.objects.filter(pk=record_id).first()
    if record is None:
        raise NotFoundError(_("Copia no encontrada."))
    return record


def record_completed(record_id: int) -> BackupRecord:
    record = record_get(record_id)
    if record.estado != EstadoBackup.COMPLETADO:
        raise ConflictError(_("La copia no está completada."), code=BackupErrorCode.BACKUP_NOT_COMPLETED)
    return record


def backup_delete(*, record_id: int) -> None:
    record = record_get(record_id)
    if record.estado == EstadoBackup.EN_PROGRESO:
        raise ConflictError(_("La copia está en curso."), code=BackupErrorCode.BACKUP_IN_PROGRESS)
    try:
        storage_of(record).delete(record.file_path)
    except ObjectMissing as exc:
        # the file was already gone: the record goes (it points at nothing), and the caller is told
        record.delete()
        raise BackupMissing(
            _("El archivo de la copia ya no estaba en el almacenamiento; se eliminó su registro.")
        ) from exc
    except StorageError as exc:
        raise storage_failure(exc) from exc
    record.delete()


def backup_configuration() -> BackupConfiguration:
    config = BackupConfiguration.objects.order_by("id").first()
    return config or BackupConfiguration.objects.create()


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
            storage_of(record).delete(record.file_path)
        except ObjectMissing:
            logger.warning("Retention found %s already gone from storage", record.file_path)
        except StorageError:
            logger.warning("Retention could not delete %s; kept for the next run", record.file_path)
            continue
        record.delete()
    return len(old)
