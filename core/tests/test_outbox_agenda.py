"""The outbox sweep visits only the tenants whose writes left events, marked in the write's own
transaction, and forgets a tenant once its events are out."""

from django.db import transaction
from django_tenants.utils import schema_context

from core.models import AgendaTenant
from core.outbox.services import AGENDA, evento_registrar, eventos_entregar_todos


def _marked(schema: str) -> bool:
    return AgendaTenant.objects.filter(schema_name=schema, tarea=AGENDA).exists()


def test_a_write_marks_its_tenant_and_the_sweep_forgets_it_once_delivered(fresh_tenant):
    schema = fresh_tenant.schema_name
    assert not _marked(schema)
    with schema_context(schema), transaction.atomic():
        evento_registrar(tipo="prueba.agenda", datos={"n": 1})
    assert _marked(schema)
    eventos_entregar_todos()
    assert not _marked(schema)


def test_a_write_that_rolls_back_leaves_no_mark(fresh_tenant):
    schema = fresh_tenant.schema_name

    class Abort(Exception):
        pass

    try:
        with schema_context(schema), transaction.atomic():
            evento_registrar(tipo="prueba.agenda", datos={"n": 2})
            raise Abort
    except Abort:
        pass
    assert not _marked(schema)
