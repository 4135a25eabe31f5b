"""The backup sweep looks only at tenants whose schedule can be due, and hands each to a task."""

import datetime

from django.utils import timezone
from django_tenants.utils import schema_context

from backups import services
from backups.models import BackupConfiguration
from backups.tasks import backups_programados
from core.models import AgendaTenant


def _agenda(schema: str) -> AgendaTenant | None:
    return AgendaTenant.objects.filter(schema_name=schema, tarea=services.AGENDA).first()


def test_the_sweep_backs_up_a_due_tenant_then_leaves_it_alone_until_its_next_time(
    fresh_tenant, backup_settings
):
    schema = fresh_tenant.schema_name
    with schema_context(schema):
        services.backup_configuration_update(hora=datetime.time(0, 0))
        # set up yesterday: today's midnight slot has passed
        BackupConfiguration.objects.update(vigente_desde=timezone.now() - datetime.timedelta(days=1))
    assert _agenda(schema) is None

    first = backups_programados()
    assert first[schema] == "completado"
    next_time = _agenda(schema).revisar_en
    assert (
        timezone.now() + datetime.timedelta(hours=23)
        < next_time
        < timezone.now() + datetime.timedelta(days=1)
    )

    assert schema not in backups_programados()  # not due: not even looked at

    with schema_context(schema):
        services.backup_configuration_update(retention=3)
    assert _agenda(schema) is None  # a new schedule is looked at again
    assert backups_programados()[schema] == "no_toca"
    assert _agenda(schema).revisar_en == next_time


def test_an_inactive_schedule_is_looked_at_again_only_when_it_changes(fresh_tenant, backup_settings):
    schema = fresh_tenant.schema_name
    with schema_context(schema):
        services.backup_configuration_update(activo=False)
    assert backups_programados()[schema] == "no_toca"
    assert _agenda(schema).revisar_en > timezone.now() + datetime.timedelta(hours=23)
    assert schema not in backups_programados()
