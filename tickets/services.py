"""Writes on tickets. State changes and assignments run under a row lock; events and cache
invalidation happen only after commit."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from core.outbox.services import evento_registrar
from core.statements import Lookup, Param, insert, update, update_sql
from core.versioned_cache import invalidate
from tickets.error_codes import TicketErrorCode
from tickets.models import TRANSICIONES, Estado, Interaccion, Prioridad, Ticket, TipoInteraccion
from usuarios.models import STAFF_ROLES, Rol, Usuario

TICKET_TTL = 15 * 60
TICKET_NOT_FOUND = _("Ticket no encontrado.")


def ticket_cache_key(ticket_id) -> str:
    return f"ticket:{ticket_id}"


def _after_commit_forget(ticket: Ticket) -> None:
    # the new version commits with the change: no process serves the old ticket after it
    invalidate(ticket_cache_key(ticket.pk))


def _ticket_lookup(*, lock: bool, own: bool) -> Lookup[Ticket]:
    def build():
        qs = Ticket.objects.select_for_update() if lock else Ticket.objects.all()
        if own:
            qs = qs.filter(usuario_id=Param("usuario", Ticket._meta.get_field("usuario")))
        return qs.filter(pk=Param("pk", Ticket._meta.pk)).order_by()[:1]

    return Lookup(build)


# by (lock, the actor's own tickets only): every write starts with one of these
_TICKET_LOOKUPS = {
    (lock, own): _ticket_lookup(lock=lock, own=own) for lock in (False, True) for own in (False, True)
}


def ticket_for_actor(*, ticket_id, actor: Usuario, lock: bool = False) -> Ticket:
    """The ticket if the actor may see it; 404 otherwise (a user never learns others' exist)."""
    if actor.es_staff:
        ticket = _TICKET_LOOKUPS[(lock, False)].first(pk=ticket_id)
    else:
        ticket = _TICKET_LOOKUPS[(lock, True)].first(pk=ticket_id, usuario=actor.pk)
    if ticket is None:
        raise NotFoundError(TICKET_NOT_FOUND)
    return ticket


def _tenant_user(*, user_id: int, field: str, staff: bool = False) -> Usuario:
    user = Usuario.objects.filter(pk=user_id, activo=True).first()
    if user is None or (staff and user.rol not in STAFF_ROLES):
        message = (
            _("Debe ser un miembro activo del equipo.") if staff else _("Usuario no encontrado o inactivo.")
        )
        raise InvalidError({field: [message]})
    return user


@transaction.atomic
def ticket_create(
    *,
    actor: Usuario,
    titulo: str,
    descripcion: str = "",
    prioridad: str = Prioridad.MEDIA,
    usuario_id: int | None = None,
) -> Ticket:
    owner = actor
    if usuario_id is not None and usuario_id != actor.pk:
        if not actor.es_staff:
            raise ForbiddenError(_("Solo el equipo puede abrir tickets para otros usuarios."))
        owner = _tenant_user(user_id=usuario_id, field="usuario_id")
    ticket = insert(Ticket(usuario=owner, titulo=titulo, descripcion=descripcion, prioridad=prioridad))
    evento_registrar(
        tipo="ticket_creado",
        datos={"ticket_id": str(ticket.pk)},
        trabajo="notificar_ticket_creado",  # the batch consumers' job type (integration contract)
        tarea="tickets.tasks.notificar_ticket_creado",
    )
    return ticket


@transaction.atomic
def ticket_update(
    *,
    ticket_id,
    actor: Usuario,
    titulo: str | None = None,
    descripcion: str | None = None,
    prioridad: str | None = None,
) -> Ticket:
    ticket = ticket_for_actor(ticket_id=ticket_id, actor=actor, lock=True)
    if not actor.es_staff and ticket.estado != Estado.ABIERTO:
        raise ConflictError(
            _("Solo puedes editar tu ticket mientras está abierto."), code=TicketErrorCode.TICKET_NOT_EDITABLE
        )
    for field, value in (("titulo", titulo), ("descripcion", descripcion), ("prioridad", prioridad)):
        if value is not None:
            setattr(ticket, field, value)
    ticket.save()
    _after_commit_forget(ticket)
    return ticket


def _owner_may_move(ticket: Ticket, nuevo: str) -> bool:
    return nuevo == Estado.CERRADO or (ticket.estado == Estado.RESUELTO and nuevo == Estado.ABIERTO)


@transaction.atomic
def ticket_change_estado(*, ticket_id, actor: Usuario, estado: str) -> Ticket:
    ticket = ticket_for_actor(ticket_id=ticket_id, actor=actor, lock=True)
    anterior = ticket.estado
    if estado not in TRANSICIONES[anterior]:
        raise ConflictError(
            _("No se puede pasar de «%(de)s» a «%(a)s».") % {"de": anterior, "a": estado},
            code=TicketErrorCode.INVALID_TRANSITION,
            details={"de": anterior, "a": estado, "permitidos": sorted(TRANSICIONES[anterior])},
        )
    if not actor.es_staff and not _owner_may_move(ticket, estado):
        raise ForbiddenError(_("Solo puedes cerrar tu ticket o reabrirlo si está resuelto."))
    ticket.estado = estado
    ticket.fecha_cierre = timezone.now() if estado == Estado.CERRADO else None
    # the row is locked: the update and the history entry go in one round trip
    insert(
        Interaccion(
            ticket=ticket,
            usuario=actor,
            tipo=TipoInteraccion.CAMBIO_ESTADO,
            contenido=f"{anterior} -> {estado}",
            metadata={"de": anterior, "a": estado},
        ),
        before=[update_sql(ticket, ["estado", "fecha_cierre", "fecha_actualizacion"])],
    )
    evento_registrar(
        tipo="estado_cambiado",
        datos={"ticket_id": str(ticket.pk), "de": anterior, "a": estado, "usuario_id": actor.pk},
    )
    _after_commit_forget(ticket)
    return ticket


@transaction.atomic
def ticket_assign(*, ticket_id, actor: Usuario, asignado_a_id: int | None) -> Ticket:
    if not actor.es_staff:
        raise ForbiddenError()
    ticket = ticket_for_actor(ticket_id=ticket_id, actor=actor, lock=True)
    if ticket.estado == Estado.CERRADO:
        raise ConflictError(_("El ticket está cerrado."), code=TicketErrorCode.TICKET_CLOSED)
    asignado = (
        None if asignado_a_id is None else _tenant_user(user_id=asignado_a_id, field="asignado_a", staff=True)
    )
    anterior = ticket.asignado_a_id
    ticket.asignado_a = asignado
    ticket.save()
    Interaccion.objects.create(
        ticket=ticket,
        usuario=actor,
        tipo=TipoInteraccion.ASIGNACION,
        # the customer reads this: the staff member's name, never their address
        contenido=f"Asignado a {asignado.get_full_name() or asignado.nombre}" if asignado else "Sin asignar",
        metadata={"de": anterior, "a": asignado_a_id},
    )
    evento_registrar(
        tipo="ticket_asignado",
        datos={"ticket_id": str(ticket.pk), "de": anterior, "asignado_a_id": asignado_a_id},
    )
    _after_commit_forget(ticket)
    return ticket


CLIENT_TYPES = frozenset({TipoInteraccion.COMENTARIO, TipoInteraccion.NOTA_INTERNA})


@transaction.atomic
def interaccion_create(*, actor: Usuario, ticket_id, tipo: str, contenido: str) -> Interaccion:
    if tipo not in CLIENT_TYPES:
        raise InvalidError({"tipo": [_("Este tipo de interacción solo lo escribe el sistema.")]})
    if tipo == TipoInteraccion.NOTA_INTERNA and actor.rol == Rol.USUARIO:
        raise ForbiddenError(_("Solo el equipo puede escribir notas internas."))
    ticket = ticket_for_actor(ticket_id=ticket_id, actor=actor, lock=True)
    if ticket.estado == Estado.CERRADO:
        raise ConflictError(_("El ticket está cerrado."), code=TicketErrorCode.TICKET_CLOSED)
    interaccion = insert(Interaccion(ticket=ticket, usuario=actor, tipo=tipo, contenido=contenido))
    update(ticket, ["fecha_actualizacion"])
    evento_registrar(
        tipo="interaccion_creada",
        datos={"ticket_id": str(ticket.pk), "interaccion_id": interaccion.pk, "tipo": tipo},
    )
    _after_commit_forget(ticket)
    return interaccion
