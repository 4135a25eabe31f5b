"""The transactional outbox: events are rows written with the change, delivered after commit.

Delivery publishes to Redis (the integration contract: a list for batch jobs, a pub/sub channel
for everything) and queues the product's own Celery tasks. Right after the write commits, its
events are delivered from memory, with no second transaction in the request: the rows are
marked delivered in batches by a thread of the process (core.outbox.marks). The periodic sweep
(the write marked its tenant for it, in the write's own transaction) delivers what nobody
marked: a delivery that failed (Redis down, counted in `intentos`), or rows older than
OUTBOX_SWEEP_GRACE_SECONDS whose writer died before publishing or marking them. Delivery is at
least once: consumers de-duplicate by `evento_id`.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from core.db import connection
from core.outbox.marks import marks
from core.outbox.models import Evento
from core.statements import insert_sql
from core.tenancy.agenda import agenda_due, agenda_forget, agenda_mark, agenda_mark_sql

AGENDA = "outbox"

logger = logging.getLogger(__name__)


def evento_registrar(*, tipo: str, datos: dict, trabajo: str = "", tarea: str = "") -> Evento:
    """Record an event in the current transaction; it is delivered only if that commits.

    `trabajo`: also push it to the batch queue as a job of this type. `tarea`: also start this
    Celery task (its dotted path) as task(evento_id=..., **datos).

    The row, and the sweep's mark on its list of tenants to look at (it visits only these), are
    written with the transaction's last round trip before COMMIT: nothing reads them before.
    The event is known by its `evento_id`; its row id is the database's."""
    evento = Evento(tipo=tipo, datos=datos, trabajo=trabajo, tarea=tarea)
    schema = connection.schema_name
    connection.before_commit(*agenda_mark_sql(schema=schema, tarea=AGENDA))
    connection.before_commit(*insert_sql(evento, schema=schema))
    transaction.on_commit(lambda: _entregar_tras_commit(evento, schema))
    return evento


def _entregar_tras_commit(evento: Evento, schema: str) -> None:
    if not settings.REDIS_URL:  # no Redis (development): tasks run inline, the row says so
        _start_tasks([evento])
        Evento.objects.filter(evento_id=evento.evento_id).update(entregado_en=timezone.now(), intentos=1)
        return
    try:
        _deliver([evento], schema)
        marks.add(schema=schema, evento_id=str(evento.evento_id))
    except Exception as exc:  # noqa: BLE001  the change is committed; the sweep delivers it
        logger.warning(
            "Event %s of %s not delivered after commit (left for the sweep): %s",
            evento.evento_id,
            schema,
            exc,
        )
        try:
            Evento.objects.filter(evento_id=evento.evento_id).update(intentos=F("intentos") + 1)
        except Exception:  # the sweep takes it anyway, with its grace
            logger.exception("Could not count the failed delivery of event %s", evento.evento_id)


def _messages(evento: Evento, schema: str) -> tuple[str | None, str]:
    base = {
        "evento_id": str(evento.evento_id),
        "tenant": schema,
        "timestamp": evento.fecha_creacion.isoformat(),
    }
    channel = json.dumps({"evento": evento.tipo, **evento.datos, **base})
    queued = json.dumps({"tipo": evento.trabajo, **evento.datos, **base}) if evento.trabajo else None
    return queued, channel


def _redis():
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _deliver(eventos: list[Evento], schema: str) -> None:
    """Start their tasks, then publish them (one MULTI)."""
    _start_tasks(eventos)
    if not settings.REDIS_URL:
        return
    pipe = _redis().pipeline(transaction=True)
    queued_any = False
    for evento in eventos:
        queued, channel = _messages(evento, schema)
        if queued:
            pipe.rpush(settings.EVENTS_QUEUE_KEY, queued)
            queued_any = True
        pipe.publish(settings.EVENTS_CHANNEL, channel)
    if queued_any:
        pipe.ltrim(settings.EVENTS_QUEUE_KEY, -settings.EVENTS_QUEUE_MAX, -1)
    pipe.execute()


def _start_tasks(eventos: list[Evento]) -> None:
    for evento in eventos:
        if evento.tarea:
            # The worker's log names the event, not its data (and Celery need not format it).
            # No queue declaration per message: on the Redis broker (the only one configured)
            # the message goes straight to its queue's list (Celery's direct routing), which a
            # declaration only binds for exchange routing; the worker declares the queues it
            # reads. Each declaration cost about 40 µs.
            import_string(evento.tarea).apply_async(
                kwargs={"evento_id": str(evento.evento_id), **evento.datos},
                argsrepr="()",
                kwargsrepr=f"{{'evento_id': '{evento.evento_id}'}}",
                declare=[],
            )


def eventos_entregar_pendientes(*, limite: int = 200) -> int:
    """The sweep's work in this schema: deliver the pending events (oldest first) that no
    writer is still delivering. Returns how many were delivered."""
    schema = connection.schema_name
    marks.flush()  # this process's own deliveries are marked first, never sent twice
    grace = timezone.now() - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)
    with transaction.atomic():
        eventos = list(
            Evento.objects.select_for_update(skip_locked=True)
            .filter(entregado_en__isnull=True)
            .filter(Q(intentos__gt=0) | Q(fecha_creacion__lt=grace))
            .order_by("id")[:limite]
        )
        if not eventos:
            return 0
        ids = [e.pk for e in eventos]
        try:
            _deliver(eventos, schema)
        except Exception as exc:  # noqa: BLE001  Redis or the broker failing in any way: keep them pending
            logger.warning("Could not deliver %d events of %s: %s", len(ids), schema, exc)
            Evento.objects.filter(pk__in=ids).update(intentos=F("intentos") + 1)
            return 0
        Evento.objects.filter(pk__in=ids).update(entregado_en=timezone.now(), intentos=F("intentos") + 1)
    return len(eventos)


def _pendientes_en_curso() -> bool:
    return Evento.objects.filter(entregado_en__isnull=True).exists()


def eventos_entregar_todos(*, todos: bool = False) -> int:
    """The periodic sweep (and the `entregar_eventos` command): the tenants whose writes left
    events, OUTBOX_SWEEP_TENANTS at most per run (the next run takes the rest). `todos` visits
    every tenant instead (once, after upgrading from a release without the agenda)."""
    from django_tenants.utils import get_public_schema_name, schema_context

    from core.models import Tenant

    if todos:
        schemas = list(
            Tenant.objects.exclude(schema_name=get_public_schema_name()).values_list("schema_name", flat=True)
        )
    else:
        schemas = agenda_due(
            tarea=AGENDA, limit=settings.OUTBOX_SWEEP_TENANTS, include_unlisted=False, active_only=False
        )
    total = 0
    for schema in schemas:
        # forgotten first: an event written from here on marks the tenant again
        agenda_forget(schema=schema, tarea=AGENDA)
        with schema_context(schema):
            while delivered := eventos_entregar_pendientes():
                total += delivered
            if _pendientes_en_curso():  # delivery failed, or still in its writer's hands: next run
                agenda_mark(schema=schema, tarea=AGENDA)
    return total
