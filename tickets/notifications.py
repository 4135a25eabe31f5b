"""Telling the tenant's staff about new tickets (the work behind the task of the same name)."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from core.db import connection
from tickets.models import Notificacion, Ticket
from usuarios.models import STAFF_ROLES, Usuario

logger = logging.getLogger(__name__)


def ticket_notify_created(*, evento_id: str, ticket_id: str) -> str:
    """Email the tenant's staff about a new ticket, once per event. Runs in the tenant's schema.

    Idempotent per event: a redelivered message (worker killed, event re-sent) finds the
    Notificacion row and sends nothing. The row is locked while sending, so two workers never
    send the same event at once; a worker killed mid-send rolls the row back and the retry sends.
    """
    if connection.schema_name == get_public_schema_name():
        # a message whose tenant does not exist here (a stale queue, a dropped tenant)
        logger.warning("notificar_ticket_creado for %s outside any tenant: ignored", ticket_id)
        return "sin_tenant"
    with transaction.atomic():
        notificacion, _created = Notificacion.objects.select_for_update().get_or_create(evento_id=evento_id)
        if notificacion.enviada_en:
            return "ya_enviada"
        ticket = Ticket.objects.select_related("usuario").filter(pk=ticket_id).first()
        if ticket is None:
            return "sin_ticket"
        staff = list(
            Usuario.objects.filter(rol__in=STAFF_ROLES, activo=True)
            .order_by("id")
            .values_list("email", flat=True)
        )
        if staff:
            tenant = getattr(connection.tenant, "nombre", connection.schema_name)
            send_mail(
                subject=f"[{tenant}] Nuevo ticket: {ticket.titulo}",
                message=(
                    f"{ticket.usuario.get_full_name()} <{ticket.usuario.email}> abrió un ticket.\n\n"
                    f"Título: {ticket.titulo}\nPrioridad: {ticket.prioridad}\nTicket: {ticket.pk}\n\n"
                    f"{ticket.descripcion}\n"
                ),
                from_email=None,
                recipient_list=staff,
            )
        notificacion.enviada_en = timezone.now()
        notificacion.save(update_fields=["enviada_en"])
    return "enviada" if staff else "sin_destinatarios"
