"""Tickets in the tenant's admin: listed for staff, created through the service (with its event)."""

import re

from django_tenants.utils import schema_context

from core.outbox.models import Evento
from core.testing.admin import AdminBrowser
from tickets.models import Ticket


def test_soporte_creates_and_lists_tickets_in_the_admin(http_server, soporte_a, usuario_a):
    browser = AdminBrowser(http_server.url, "alfa.localhost")
    assert browser.login(soporte_a.email).status_code == 302
    form = browser.get("/admin/tickets/ticket/add/")
    assert form.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    data = {
        "csrfmiddlewaretoken": token,
        "usuario": str(usuario_a.user.pk),
        "titulo": "Desde el admin",
        "descripcion": "creado en el panel",
        "prioridad": "alta",
        "interacciones-TOTAL_FORMS": "0",
        "interacciones-INITIAL_FORMS": "0",
    }
    saved = browser.http.post("/admin/tickets/ticket/add/", data=data)
    assert saved.status_code == 302, saved.text[:2000]
    with schema_context("alfa"):
        ticket = Ticket.objects.get(titulo="Desde el admin")
        assert ticket.usuario_id == usuario_a.user.pk and ticket.prioridad == "alta"
        assert Evento.objects.filter(tipo="ticket_creado", datos__ticket_id=str(ticket.pk)).exists()
    listing = browser.get("/admin/tickets/ticket/")
    assert "Desde el admin" in listing.text


def test_ticket_admin_is_not_in_the_public_admin(http_server, operator):
    browser = AdminBrowser(http_server.url, "localhost")
    browser.login(operator.email)
    assert browser.get("/admin/tickets/ticket/").status_code == 403
