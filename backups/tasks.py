import logging

from django_tenants.utils import get_public_schema_name, schema_context

from backups import services
from core.celery import app
from core.errors import DomainError

logger = logging.getLogger(__name__)


@app.task(name="backups.ejecutar")
def ejecutar_backup(*, record_id: int) -> str:
    """A large tenant's backup, queued by the API (runs in the tenant's schema)."""
    try:
        return services.backup_run(record_id=record_id).estado
    except DomainError as exc:  # already recorded on the BackupRecord as `fallido`
        logger.warning("Backup %s failed: %s", record_id, exc)
        return "fallido"


@app.task(name="backups.programados")
def backups_programados() -> dict[str, str]:
    """Every active tenant's automatic backup when its schedule says so; one failure does not
    stop the others."""
    from core.models import Tenant

    results = {}
    for schema in (
        Tenant.objects.filter(activo=True)
        .exclude(schema_name=get_public_schema_name())
        .values_list("schema_name", flat=True)
    ):
        with schema_context(schema):
            try:
                record = services.backup_automatic()
                results[schema] = record.estado if record else "no_toca"
            except Exception as exc:
                logger.exception("Automatic backup of %s failed", schema)
                results[schema] = f"fallido: {exc}"
    return results
