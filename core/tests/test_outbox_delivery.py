"""One transaction per write: events go out from memory after commit, a thread of the process
marks them delivered in batches, and the sweep sends only what nobody delivered."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import AgendaTenant
from core.outbox.models import Evento
from core.outbox.services import AGENDA, eventos_entregar_todos
from core.tenancy.agenda import agenda_mark

pytestmark = pytest.mark.redis


def _mine(messages, evento_ids):
    return [m for m in messages if m.get("evento_id") in evento_ids]


def test_the_sweep_marks_delivered_events_without_sending_them_again(fresh_tenant, make_actor, subscriber):
    from tickets.services import ticket_create

    schema = fresh_tenant.schema_name
    actor = make_actor(schema, "usuario")
    with schema_context(schema):
        ticket_create(actor=actor.user, titulo="Una vez")
        evento = Evento.objects.get(tipo="ticket_creado")
    ids = {str(evento.evento_id)}
    assert len(_mine(subscriber.messages(), ids)) == 1
    eventos_entregar_todos()
    assert _mine(subscriber.messages(wait=0.5), ids) == []
    with schema_context(schema):
        evento.refresh_from_db()
    assert evento.entregado_en is not None
    assert not AgendaTenant.objects.filter(schema_name=schema, tarea=AGENDA).exists()


def _unsent(schema: str, *, age: timedelta) -> Evento:
    """An event committed by a writer that died before publishing it: the row, the mark, and
    nothing in Redis."""
    with schema_context(schema), transaction.atomic():
        evento = Evento.objects.create(tipo="prueba.huerfano", datos={"n": 1})
        agenda_mark(schema=schema, tarea=AGENDA)
    with schema_context(schema):
        Evento.objects.filter(pk=evento.pk).update(fecha_creacion=timezone.now() - age)
    return evento


def test_an_event_whose_writer_died_before_publishing_goes_out_once(fresh_tenant, subscriber):
    schema = fresh_tenant.schema_name
    evento = _unsent(schema, age=timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS + 5))
    ids = {str(evento.evento_id)}
    eventos_entregar_todos()
    eventos_entregar_todos()
    assert len(_mine(subscriber.messages(), ids)) == 1
    with schema_context(schema):
        evento.refresh_from_db()
    assert evento.entregado_en is not None


def test_an_event_still_in_its_writers_hands_waits_for_the_next_sweep(fresh_tenant, subscriber):
    schema = fresh_tenant.schema_name
    evento = _unsent(schema, age=timedelta(0))
    eventos_entregar_todos()
    assert _mine(subscriber.messages(wait=0.5), {str(evento.evento_id)}) == []
    with schema_context(schema):
        evento.refresh_from_db()
    assert evento.entregado_en is None
    assert AgendaTenant.objects.filter(schema_name=schema, tarea=AGENDA).exists()  # looked at again
