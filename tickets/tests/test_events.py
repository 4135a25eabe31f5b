"""Events: published after commit only, with the tenant and an id, and never lost to a Redis outage."""

import json
import subprocess
import sys

import httpx
import pytest
import redis
from django.conf import settings
from django.db import transaction
from django_tenants.utils import schema_context

from core.local_services import BASE_DIR
from core.outbox.marks import marks
from core.outbox.models import Evento
from core.testing.events import Subscriber
from core.testing.factories import access_for, create_user
from core.testing.processes import RedisProcess, gunicorn, server_env
from tickets.services import ticket_create

pytestmark = pytest.mark.redis


def _for_ticket(messages, ticket_id):
    return [m for m in messages if m.get("ticket_id") == str(ticket_id)]


def test_ticket_creation_is_queued_and_published_with_tenant_and_id(desk, usuario_a, subscriber):
    ticket = desk.new(usuario_a)
    published = _for_ticket(subscriber.messages(), ticket["id"])
    assert len(published) == 1
    event = published[0]
    assert event["evento"] == "ticket_creado" and event["tenant"] == "alfa"
    assert event["timestamp"] and event["evento_id"]
    queued = [
        json.loads(m)
        for m in redis.Redis.from_url(settings.REDIS_URL).lrange(settings.EVENTS_QUEUE_KEY, -50, -1)
    ]
    jobs = _for_ticket(queued, ticket["id"])
    assert jobs == [
        {
            "tipo": "notificar_ticket_creado",
            "ticket_id": ticket["id"],
            "tenant": "alfa",
            "timestamp": event["timestamp"],
            "evento_id": event["evento_id"],
        }
    ]


def test_every_change_publishes_its_event(desk, usuario_a, soporte_a, subscriber):
    ticket = desk.new(usuario_a)
    desk.estado(soporte_a, ticket["id"], "en_proceso")
    desk.patch(soporte_a, ticket["id"], {"asignado_a": soporte_a.user.pk}, "asignar/")
    desk.comment(usuario_a, ticket["id"])
    events = _for_ticket(subscriber.messages(), ticket["id"])
    assert [e["evento"] for e in events] == [
        "ticket_creado",
        "estado_cambiado",
        "ticket_asignado",
        "interaccion_creada",
    ]
    assert events[1]["de"] == "abierto" and events[1]["a"] == "en_proceso"
    assert len({e["evento_id"] for e in events}) == 4
    assert {e["tenant"] for e in events} == {"alfa"}


def test_nothing_is_published_before_commit_nor_for_a_rollback(subscriber):
    user = create_user("alfa")
    with schema_context("alfa"):
        with transaction.atomic():
            kept = ticket_create(actor=user, titulo="se queda")
            assert _for_ticket(subscriber.messages(wait=0.5), kept.pk) == []  # not yet committed
        assert len(_for_ticket(subscriber.messages(), kept.pk)) == 1
        lost = None

        def create_then_fail():
            nonlocal lost
            with transaction.atomic():
                lost = ticket_create(actor=user, titulo="se pierde")
                raise RuntimeError("rollback")

        with pytest.raises(RuntimeError, match="rollback"):
            create_then_fail()
        assert _for_ticket(subscriber.messages(wait=0.5), lost.pk) == []
        assert not Evento.objects.filter(datos__ticket_id=str(lost.pk)).exists()


def test_the_queue_list_stays_bounded(desk, usuario_a, settings):
    settings.EVENTS_QUEUE_MAX = 3
    for _ in range(5):
        desk.new(usuario_a)
    assert redis.Redis.from_url(settings.REDIS_URL).llen(settings.EVENTS_QUEUE_KEY) == 3


def test_events_written_while_redis_is_down_are_delivered_once_when_it_returns(admin_a):
    own_redis = RedisProcess()
    if own_redis.binary is None:
        pytest.fail("redis-server is needed for the outage test")
    own_redis.start()
    env = server_env(REDIS_URL=own_redis.url)
    try:
        with gunicorn(env) as url:
            own_redis.stop()  # the outage
            token = access_for("alfa", admin_a.user)
            response = httpx.post(
                f"{url}/api/tickets/tickets/",
                headers={"X-Tenant-ID": "alfa", "Authorization": f"Bearer {token}"},
                json={"titulo": "Creado sin Redis"},
                timeout=30,
            )
            assert response.status_code == 201, response.text
            ticket_id = response.json()["id"]
            with schema_context("alfa"):
                pending = Evento.objects.get(datos__ticket_id=ticket_id)
            assert pending.entregado_en is None and pending.intentos >= 1

            own_redis.start()  # Redis is back, on the same address
            sub = Subscriber(own_redis.url)
            for _ in range(2):  # the sweep, twice: the second finds nothing left
                subprocess.run(
                    [sys.executable, "manage.py", "entregar_eventos"],
                    cwd=BASE_DIR,
                    env=env,
                    check=True,
                    capture_output=True,
                )
            events = _for_ticket(sub.messages(), ticket_id)
            sub.close()
            assert len(events) == 1 and events[0]["evento_id"] == str(pending.evento_id)
            with schema_context("alfa"):
                pending.refresh_from_db()
            assert pending.entregado_en is not None
            queued = [
                json.loads(m)
                for m in redis.Redis.from_url(own_redis.url).lrange(settings.EVENTS_QUEUE_KEY, 0, -1)
            ]
            assert len(_for_ticket(queued, ticket_id)) == 1
    finally:
        own_redis.stop()


def test_a_state_change_writes_its_event_in_its_own_transaction_only(
    desk, usuario_a, soporte_a, sql_log, subscriber
):
    ticket = desk.new(usuario_a)
    marks.flush()
    sql_log.clear()
    assert desk.estado(soporte_a, ticket["id"], "en_proceso").status_code == 200
    # written with the change, named with its schema (it is sent just before the commit)
    assert [s for s in sql_log.statements if 'INSERT INTO "alfa"."outbox_evento"' in s]
    # the request marks nothing itself: the process's marks thread does, for many writes at once
    assert not [s for s in sql_log.statements if 'UPDATE "outbox_evento"' in s], sql_log.statements
    with schema_context("alfa"):
        evento = Evento.objects.get(tipo="estado_cambiado", datos__ticket_id=ticket["id"])
    assert [m for m in subscriber.messages() if m.get("evento_id") == str(evento.evento_id)] != []
    marks.flush()
    with schema_context("alfa"):
        evento.refresh_from_db()
    assert evento.entregado_en is not None and evento.intentos == 1
