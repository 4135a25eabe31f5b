"""Tickets in the tenant's admin: listed for staff, created through the service (with its event)."""

import re
import uuid

import pytest
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


@pytest.mark.browser
def test_soporte_moves_assigns_and_closes_tickets_from_the_list_and_the_detail(
    browser_page, http_server, soporte_a, usuario_a
):
    from core.testing.browser import ARTIFACTS, admin_action, admin_login
    from tickets import services
    from tickets.models import Estado, Interaccion

    tag = uuid.uuid4().hex[:6]
    with schema_context("alfa"):
        abiertos = [services.ticket_create(actor=usuario_a.user, titulo=f"Lista {tag} {n}") for n in range(2)]
        cerrado = services.ticket_create(actor=usuario_a.user, titulo=f"Lista {tag} cerrado")
        services.ticket_change_estado(ticket_id=cerrado.pk, actor=soporte_a.user, estado=Estado.CERRADO)
        detalle = services.ticket_create(actor=usuario_a.user, titulo=f"Detalle {tag}")
    page, base = browser_page, f"http://alfa.localhost:{http_server.port}"
    admin_login(page, base, soporte_a.email)
    page.wait_for_url(f"{base}/admin/")
    assert "Alfa · administración" in page.inner_text("#site-name")

    def run_action(action: str, tickets) -> str:
        return admin_action(page, f"{base}/admin/tickets/ticket/?q={tag}", tickets, action)

    assert "2 tickets asignados a ti" in run_action("asignarme", abiertos)
    said = run_action("estado_cerrado", [*abiertos, cerrado])
    assert "2 tickets pasaron a «Cerrado»" in said and "No se puede pasar de «cerrado» a «cerrado»" in said
    page.screenshot(path=str(ARTIFACTS / "admin-tickets-acciones.png"), full_page=True)

    page.goto(f"{base}/admin/tickets/ticket/{detalle.pk}/change/")
    page.select_option("#id_nuevo_estado", Estado.EN_PROCESO)
    page.select_option("#id_asignar_a", str(soporte_a.user.pk))
    page.screenshot(path=str(ARTIFACTS / "admin-ticket-detalle.png"), full_page=True)
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    with schema_context("alfa"):
        for ticket in abiertos:
            ticket.refresh_from_db()
            assert (ticket.estado, ticket.asignado_a_id) == (Estado.CERRADO, soporte_a.user.pk)
        detalle.refresh_from_db()
        assert (detalle.estado, detalle.asignado_a_id) == (Estado.EN_PROCESO, soporte_a.user.pk)
        history = set(Interaccion.objects.filter(ticket=detalle).values_list("tipo", flat=True))
        assert history == {"cambio_estado", "asignacion"}
        assert Evento.objects.filter(tipo="estado_cambiado", datos__ticket_id=str(detalle.pk)).exists()


def test_the_detail_offers_only_the_allowed_states_and_a_closed_ticket_cannot_be_reassigned(
    http_server, admin_a, usuario_a
):
    from tickets import services
    from tickets.models import Estado

    with schema_context("alfa"):
        ticket = services.ticket_create(actor=usuario_a.user, titulo="Resuelto en el admin")
        services.ticket_change_estado(ticket_id=ticket.pk, actor=admin_a.user, estado=Estado.RESUELTO)
    browser = AdminBrowser(http_server.url, "alfa.localhost")
    browser.login(admin_a.email)
    page = browser.get(f"/admin/tickets/ticket/{ticket.pk}/change/").text
    offered = re.search(r'<select name="nuevo_estado"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'value="([a-z_]+)"', offered) == ["abierto", "cerrado"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {
        "csrfmiddlewaretoken": token,
        "titulo": "Resuelto en el admin",
        "descripcion": "",
        "prioridad": "media",
        "nuevo_estado": "en_proceso",  # not allowed from resuelto: refused by the form
        "asignar_a": "",
        "interacciones-TOTAL_FORMS": "0",
        "interacciones-INITIAL_FORMS": "0",
    }
    refused = browser.http.post(f"/admin/tickets/ticket/{ticket.pk}/change/", data=form)
    assert refused.status_code == 200 and "errorlist" in refused.text
    with schema_context("alfa"):
        ticket.refresh_from_db()
        assert ticket.estado == Estado.RESUELTO
    # tickets are never deleted, in bulk either
    assert "delete_selected" not in browser.get("/admin/tickets/ticket/").text
