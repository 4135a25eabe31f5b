"""Automatic backups: each tenant's schedule, and whether one is due."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from backups.models import BackupConfiguration, BackupRecord, EstadoBackup, Frecuencia, TipoBackup
from backups.services.records import backup_apply_retention, backup_configuration
from backups.services.run import backup_create
from core.db import connection
from core.tenancy.agenda import agenda_forget


@transaction.atomic
def backup_configuration_update(**fields) -> BackupConfiguration:
    config = backup_configuration()
    timing = ("schedule", "hora", "activo")
    if any(name in fields and fields[name] != getattr(config, name) for name in timing):
        config.vigente_desde = timezone.now()  # a new schedule: its first slot counts from now
    for name, value in fields.items():
        setattr(config, name, value)
    config.save()
    # the schedule changed: the next sweep looks at this tenant again
    agenda_forget(schema=connection.schema_name, tarea=AGENDA)
    return config


# the sweep's name for this work in the tenants' agenda
AGENDA = "backups"

INTERVALS = {
    Frecuencia.DAILY: timedelta(days=1),
    Frecuencia.EVERY_12H: timedelta(hours=12),
    Frecuencia.EVERY_6H: timedelta(hours=6),
    Frecuencia.WEEKLY: timedelta(days=7),
}


def _at_hora(moment, config: BackupConfiguration):
    """`moment`'s local day at the schedule's `hora`."""
    local = timezone.localtime(moment)
    return local.replace(
        hour=config.hora.hour, minute=config.hora.minute, second=config.hora.second, microsecond=0
    )


def _first_slot(config: BackupConfiguration):
    """The schedule's first time after it took effect: the next `hora` for daily and weekly
    schedules, one interval later for the others."""
    start = config.vigente_desde
    if config.schedule in (Frecuencia.DAILY, Frecuencia.WEEKLY):
        slot = _at_hora(start, config)
        return slot if slot > start else slot + timedelta(days=1)
    return start + INTERVALS[Frecuencia(config.schedule)]


def backup_is_due(*, now=None) -> bool:
    """Due at the schedule's first slot, then when the interval has passed since the last
    automatic backup started and, for daily and weekly schedules, today's `hora` has been
    reached."""
    config = backup_configuration()
    if not config.activo:
        return False
    now = now or timezone.now()
    last = (
        BackupRecord.objects.filter(backup_type=TipoBackup.AUTOMATIC)
        .exclude(estado=EstadoBackup.FALLIDO)
        .first()
    )
    if last is None:
        return now >= _first_slot(config)
    if now - last.created_at < INTERVALS[Frecuencia(config.schedule)] - timedelta(minutes=10):
        return False
    if config.schedule in (Frecuencia.DAILY, Frecuencia.WEEKLY):
        return timezone.localtime(now).time() >= config.hora
    return True


def backup_next_check(*, now=None):
    """The earliest time the current tenant's automatic backup can come due, as `backup_is_due`
    decides it: the sweep does not look at the tenant before then."""
    config = backup_configuration()
    now = now or timezone.now()
    if not config.activo:
        return now + timedelta(days=1)  # changing the configuration looks again at once
    last = (
        BackupRecord.objects.filter(backup_type=TipoBackup.AUTOMATIC)
        .exclude(estado=EstadoBackup.FALLIDO)
        .first()
    )
    if last is None:
        return max(now, _first_slot(config))
    earliest = max(now, last.created_at + INTERVALS[Frecuencia(config.schedule)] - timedelta(minutes=10))
    if (
        config.schedule in (Frecuencia.DAILY, Frecuencia.WEEKLY)
        and timezone.localtime(earliest).time() < config.hora
    ):
        earliest = _at_hora(earliest, config)
    return earliest


def backup_automatic() -> BackupRecord | None:
    """The scheduled backup of the current tenant, if due, then retention."""
    if not backup_is_due():
        return None
    record, _finished = backup_create(backup_type=TipoBackup.AUTOMATIC, allow_async=False)
    backup_apply_retention()
    return record
