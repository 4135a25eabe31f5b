import uuid

from django.db.models import Case, IntegerField, QuerySet, Value, When

from core.errors import NotFoundError
from core.versioned_cache import cached
from tickets.models import PRIORIDAD_ORDEN, Interaccion, Ticket, TipoInteraccion
from tickets.services import TICKET_NOT_FOUND, TICKET_TTL, ticket_cache_key, ticket_for_actor
from usuarios.models import Usuario


def ticket_list(*, actor: Usuario) -> QuerySet[Ticket]:
    """What the actor may list: staff everything, a user their own tickets."""
    qs = Ticket.objects.annotate(
        prioridad_orden=Case(
            *[When(prioridad=p, then=Value(rank)) for p, rank in PRIORIDAD_ORDEN.items()],
            output_field=IntegerField(),
        )
    )
    return qs if actor.es_staff else qs.filter(usuario=actor)


def ticket_detail(*, ticket_id, actor: Usuario, serialize) -> dict:
    """The serialized ticket, from the tenant's cache (15 min) or the database."""
    ticket_id = str(uuid.UUID(str(ticket_id)))  # one cache key per ticket, whatever the case
    data = cached(
        ticket_cache_key(ticket_id),
        ttl=TICKET_TTL,
        load=lambda: (lambda t: serialize(t) if t else None)(Ticket.objects.filter(pk=ticket_id).first()),
    )
    if data is None or (not actor.es_staff and data["usuario_id"] != actor.pk):
        raise NotFoundError(TICKET_NOT_FOUND)
    return data


def interaccion_list(*, ticket_id, actor: Usuario) -> QuerySet[Interaccion]:
    ticket = ticket_for_actor(ticket_id=ticket_id, actor=actor)
    qs = ticket.interacciones.all()
    if not actor.es_staff:
        qs = qs.exclude(tipo=TipoInteraccion.NOTA_INTERNA)
    return qs
