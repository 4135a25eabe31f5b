import logging
from datetime import timedelta

from celery.result import EagerResult
from django_tenants.utils import schema_context

from backups import services
from core.celery import app
from core.errors import DomainError

logger = logging.getLogger(__name__)
AGENDA = services.AGENDA


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
    """The sweep: the tenants whose automatic backup may be due (their agenda says so, or they
    have none yet), BACKUP_SWEEP_TENANTS at most, each handed to the workers as a task of its own,
    so the workers' concurrency bounds how many run at once. Each is leased for
    BACKUP_STALE_SECONDS: a worker that dies leaves it to a later sweep, never to two at once."""
    from django.conf import settings
    from django.utils import timezone

    from core.tenancy.agenda import agenda_due, agenda_set

    lease = timezone.now() + timedelta(seconds=settings.BACKUP_STALE_SECONDS)
    results = {}
    for schema in agenda_due(tarea=AGENDA, limit=settings.BACKUP_SWEEP_TENANTS, include_unlisted=True):
        agenda_set(schema=schema, tarea=AGENDA, at=lease)
        queued = backup_programado.delay(schema=schema)
        # inline (no broker: tests, development) the outcome is known at once
        results[schema] = str(queued.result) if isinstance(queued, EagerResult) else "en_cola"
    return results


@app.task(name="backups.programado")
def backup_programado(*, schema: str) -> str:
    """One tenant's automatic backup if due, then retention; its agenda moves to the next time
    it can come due. A failure does not stop the other tenants' tasks."""
    from core.tenancy.agenda import agenda_set

    with schema_context(schema):
        try:
            record = services.backup_automatic()
            result = record.estado if record else "no_toca"
        except Exception as exc:
            logger.exception("Automatic backup of %s failed", schema)
            result = f"fallido: {exc}"
        agenda_set(schema=schema, tarea=AGENDA, at=services.backup_next_check())
    return result
