import uuid
from collections.abc import Callable

from django.db.models import Case, IntegerField, QuerySet, Value, When

from core.errors import NotFoundError
from core.versioned_cache import cached, expect
from tickets.models import PRIORIDAD_ORDEN, Interaccion, Ticket, TipoInteraccion
from tickets.services import TICKET_NOT_FOUND, TICKET_TTL, ticket_cache_key, ticket_for_actor
from usuarios.models import Usuario


def ticket_list(*, actor: Usuario) -> QuerySet[Ticket]:
    """What the actor may list: staff everything, a user their own tickets."""
    qs = Ticket.objects.all()
    return qs if actor.es_staff else qs.filter(usuario=actor)


def with_prioridad_orden(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """`prioridad_orden`: the severity's rank (baja 1 ... critica 4), to order by it."""
    return qs.annotate(
        prioridad_orden=Case(
            *[When(prioridad=p, then=Value(rank)) for p, rank in PRIORIDAD_ORDEN.items()],
            output_field=IntegerField(),
        )
    )


def _detail_key(ticket_id) -> str:
    return ticket_cache_key(str(uuid.UUID(str(ticket_id))))  # one key per ticket, whatever the case


def _is_rendered(data) -> bool:
    return isinstance(data, dict) and "cuerpo" in data  # an older release cached other data


def ticket_detail_expect(*, ticket_id) -> None:
    """Fetch the ticket's cache entry with the request's first cache read (the user's)."""
    try:
        expect(_detail_key(ticket_id))
    except ValueError:
        pass  # not a ticket id: the read itself answers 404


def ticket_detail(*, ticket_id, actor: Usuario, render: Callable[[Ticket], bytes]) -> bytes:
    """The ticket as `render` represents it, from the tenant's cache (15 min) or the database;
    the owner is kept beside it, so a hit is checked without rebuilding anything."""

    def load():
        ticket = Ticket.objects.filter(pk=ticket_id).first()
        return {"usuario_id": ticket.usuario_id, "cuerpo": render(ticket)} if ticket else None

    try:
        key = _detail_key(ticket_id)
    except ValueError:
        raise NotFoundError(TICKET_NOT_FOUND) from None
    data = cached(key, ttl=TICKET_TTL, load=load, accept=_is_rendered)
    if data is None or (not actor.es_staff and data["usuario_id"] != actor.pk):
        raise NotFoundError(TICKET_NOT_FOUND)
    return data["cuerpo"]


def interaccion_list(*, ticket_id, actor: Usuario) -> QuerySet[Interaccion]:
    ticket = ticket_for_actor(ticket_id=ticket_id, actor=actor)
    qs = ticket.interacciones.all()
    if not actor.es_staff:
        qs = qs.exclude(tipo=TipoInteraccion.NOTA_INTERNA)
    return qs
