"""The ticket desk over HTTP: role matrix, transitions, assignments, interactions, bad input."""

import itertools
import json
import uuid

import pytest
from django_tenants.utils import schema_context

from core.testing.client import assert_error
from tickets.models import TRANSICIONES, Estado, Interaccion
from tickets.tests.conftest import INTERACCIONES, TICKETS

TICKET_FIELDS = {
    "id",
    "usuario_id",
    "asignado_a_id",
    "titulo",
    "descripcion",
    "estado",
    "prioridad",
    "fecha_creacion",
    "fecha_actualizacion",
    "fecha_cierre",
}


def test_user_opens_a_ticket(desk, usuario_a):
    body = desk.new(usuario_a, titulo="  Pantalla azul  ")
    assert set(body) == TICKET_FIELDS
    assert body["titulo"] == "Pantalla azul"
    assert (body["estado"], body["prioridad"], body["usuario_id"]) == ("abierto", "media", usuario_a.user.pk)
    assert body["asignado_a_id"] is None and body["fecha_cierre"] is None
    uuid.UUID(body["id"])


def test_staff_opens_a_ticket_for_a_user_of_the_tenant(desk, soporte_a, usuario_a, usuario_b):
    body = desk.new(soporte_a, usuario_id=usuario_a.user.pk, prioridad="alta")
    assert body["usuario_id"] == usuario_a.user.pk and body["prioridad"] == "alta"
    unknown = assert_error(desk.create(soporte_a, usuario_id=10**9), 400, "validation_error")
    assert "usuario_id" in unknown["details"]


def test_a_user_cannot_open_tickets_for_others(desk, usuario_a, soporte_a):
    assert_error(desk.create(usuario_a, usuario_id=soporte_a.user.pk), 403, "permission_denied")
    assert desk.create(usuario_a, usuario_id=usuario_a.user.pk).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"titulo": ""}, "titulo"),
        ({"titulo": "   "}, "titulo"),
        ({"titulo": "x" * 201}, "titulo"),
        ({"titulo": None}, "titulo"),
        ({"prioridad": "urgentísima"}, "prioridad"),
        ({"descripcion": "x" * 10_001}, "descripcion"),
        ({"usuario_id": "abc"}, "usuario_id"),
    ],
)
def test_create_bad_input(desk, usuario_a, body, field):
    assert field in assert_error(desk.create(usuario_a, **body), 400, "validation_error")["details"]


def test_create_bad_transport(api, usuario_a):
    assert_error(
        api.post(
            TICKETS,
            tenant="alfa",
            token=usuario_a.token,
            content=b"{",
            headers={"Content-Type": "application/json"},
        ),
        400,
        "parse_error",
    )
    assert_error(api.post(TICKETS, tenant="alfa", token=usuario_a.token, data={"titulo": "x"}), 415)
    assert_error(api.post(TICKETS, tenant="alfa", json={"titulo": "x"}), 401)
    assert_error(api.put(TICKETS, tenant="alfa", token=usuario_a.token, json={}), 405)


def test_users_list_their_own_tickets_and_staff_all(api, fresh_tenant, make_actor, desk_for):
    schema = fresh_tenant.schema_name
    desk = desk_for(schema)
    ana, luis, staff = (
        make_actor(schema, "usuario"),
        make_actor(schema, "usuario"),
        make_actor(schema, "soporte"),
    )
    for i in range(3):
        desk.new(ana, titulo=f"Ana {i}")
    desk.new(luis, titulo="Luis 0")
    assert [t["usuario_id"] for t in desk.list(ana).json()["results"]] == [ana.user.pk] * 3
    assert desk.list(staff).json()["count"] == 4
    assert desk.list(ana, usuario_id=luis.user.pk).json()["count"] == 0  # a filter cannot widen the view


def test_list_filters_search_and_ordering(fresh_tenant, make_actor, desk_for):
    schema = fresh_tenant.schema_name
    desk = desk_for(schema)
    staff, ana = make_actor(schema, "admin"), make_actor(schema, "usuario")
    ids = {
        p: desk.new(ana, titulo=f"Ticket {p}", prioridad=p)["id"]
        for p in ["media", "critica", "baja", "alta"]
    }
    desk.estado(staff, ids["alta"], "en_proceso")
    desk.patch(staff, ids["baja"], {"asignado_a": staff.user.pk}, "asignar/")
    desk.new(ana, titulo="Impresora", descripcion="el tóner se acabó")

    def titles(**params):
        return [t["titulo"] for t in desk.list(staff, **params).json()["results"]]

    assert titles(ordering="-prioridad")[:4] == ["Ticket critica", "Ticket alta", "Impresora", "Ticket media"]
    assert titles(ordering="prioridad")[0] == "Ticket baja"
    assert titles(estado="en_proceso") == ["Ticket alta"]
    assert titles(prioridad="critica") == ["Ticket critica"]
    assert titles(asignado_a=staff.user.pk) == ["Ticket baja"]
    assert titles(usuario_id=ana.user.pk, search="tóner") == ["Impresora"]
    assert titles(ordering="fecha_creacion")[0] == "Ticket media"
    for bad, status in (
        ({"estado": "perdido"}, 400),
        ({"prioridad": "x"}, 400),
        ({"asignado_a": "nadie"}, 400),
    ):
        assert_error(desk.list(staff, **bad), status, "validation_error")
    assert_error(desk.list(staff, page="0"), 404, "not_found")  # a page that does not exist


def test_retrieve_is_404_for_other_users_and_unknown_ids(desk, usuario_a, make_actor, soporte_a, admin_b):
    ticket = desk.new(usuario_a)
    other = make_actor("alfa", "usuario")
    assert desk.get(usuario_a, ticket["id"]).json() == ticket
    assert desk.get(soporte_a, ticket["id"]).status_code == 200
    assert_error(desk.get(other, ticket["id"]), 404, "not_found")
    assert_error(desk.get(usuario_a, uuid.uuid4()), 404)
    assert_error(desk.get(usuario_a, "no-es-un-uuid"), 404)
    assert desk.get(usuario_a, ticket["id"].upper()).json()["id"] == ticket["id"]
    # another tenant's admin, with its own valid token, does not find it
    other_tenant = desk.api.get(f"{TICKETS}{ticket['id']}/", tenant="beta", token=admin_b.token)
    assert_error(other_tenant, 404)
    assert ticket["titulo"] not in other_tenant.text
    assert_error(desk.api.get(f"{TICKETS}{ticket['id']}/", tenant="beta", token=usuario_a.token), 401)


def test_owner_edits_while_open_and_staff_always(desk, usuario_a, soporte_a, make_actor):
    ticket = desk.new(usuario_a)
    edited = desk.patch(usuario_a, ticket["id"], {"titulo": "Nuevo título", "prioridad": "alta"})
    assert edited.status_code == 200 and edited.json()["titulo"] == "Nuevo título"
    desk.estado(soporte_a, ticket["id"], "en_proceso")
    assert_error(desk.patch(usuario_a, ticket["id"], {"titulo": "Otra"}), 409, "ticket_not_editable")
    assert desk.patch(soporte_a, ticket["id"], {"descripcion": ""}).status_code == 200
    assert_error(desk.patch(make_actor("alfa", "usuario"), ticket["id"], {"titulo": "x"}), 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"estado": "cerrado"}, "estado"),
        ({"asignado_a": 1}, "asignado_a"),
        ({"prioridad": "nope"}, "prioridad"),
        ({"titulo": ""}, "titulo"),
    ],
)
def test_patch_bad_input(desk, soporte_a, body, field):
    ticket = desk.new(soporte_a)
    assert field in assert_error(desk.patch(soporte_a, ticket["id"], body), 400)["details"]


ALL_STATES = [s.value for s in Estado]


@pytest.mark.parametrize(("origen", "destino"), list(itertools.product(ALL_STATES, ALL_STATES)))
def test_transition_table_for_staff(desk, soporte_a, origen, destino):
    ticket = desk.new(soporte_a)
    path = {"abierto": [], "en_proceso": ["en_proceso"], "resuelto": ["resuelto"], "cerrado": ["cerrado"]}[
        origen
    ]
    for step in path:
        assert desk.estado(soporte_a, ticket["id"], step).status_code == 200
    response = desk.estado(soporte_a, ticket["id"], destino)
    if destino in TRANSICIONES[origen]:
        assert response.status_code == 200, response.text
        assert response.json() == {"mensaje": "Estado actualizado correctamente", "estado": destino}
        with schema_context("alfa"):
            last = Interaccion.objects.filter(ticket_id=ticket["id"], tipo="cambio_estado").first()
        assert last.metadata == {"de": origen, "a": destino} and last.usuario_id == soporte_a.user.pk
        assert (desk.get(soporte_a, ticket["id"]).json()["fecha_cierre"] is not None) == (
            destino == "cerrado"
        )
    else:
        body = assert_error(response, 409, "invalid_transition")
        assert body["details"]["de"] == origen


def test_owner_may_only_close_or_reopen_a_resolved_ticket(desk, usuario_a, soporte_a):
    ticket = desk.new(usuario_a)
    assert_error(desk.estado(usuario_a, ticket["id"], "en_proceso"), 403, "permission_denied")
    assert_error(desk.estado(usuario_a, ticket["id"], "resuelto"), 403)
    desk.estado(soporte_a, ticket["id"], "resuelto")
    assert desk.estado(usuario_a, ticket["id"], "abierto").status_code == 200
    assert desk.estado(usuario_a, ticket["id"], "cerrado").status_code == 200
    assert_error(desk.estado(usuario_a, ticket["id"], "abierto"), 409, "invalid_transition")


def test_estado_accepts_the_query_parameter_and_never_a_client_actor(desk, soporte_a, admin_a):
    ticket = desk.new(soporte_a)
    response = desk.patch(
        soporte_a,
        ticket["id"],
        {"usuario_id": admin_a.user.pk},
        "estado/",
        params={"nuevo_estado": "en_proceso"},
    )
    assert response.status_code == 200 and response.json()["estado"] == "en_proceso"
    with schema_context("alfa"):
        assert (
            Interaccion.objects.get(ticket_id=ticket["id"], tipo="cambio_estado").usuario_id
            == soporte_a.user.pk
        )


@pytest.mark.parametrize("body", [{}, {"estado": "perdido"}, {"estado": None}, {"estado": 3}])
def test_estado_bad_input(desk, soporte_a, body):
    ticket = desk.new(soporte_a)
    assert "estado" in assert_error(desk.patch(soporte_a, ticket["id"], body, "estado/"), 400)["details"]


def test_estado_on_someone_elses_or_unknown_ticket(desk, usuario_a, make_actor, soporte_a):
    ticket = desk.new(usuario_a)
    assert_error(desk.estado(make_actor("alfa", "usuario"), ticket["id"], "cerrado"), 404)
    assert_error(desk.estado(soporte_a, uuid.uuid4(), "cerrado"), 404)


def test_staff_assigns_to_staff_of_the_same_tenant(desk, soporte_a, admin_a, usuario_a, admin_b):
    ticket = desk.new(usuario_a)
    assigned = desk.patch(admin_a, ticket["id"], {"asignado_a": soporte_a.user.pk}, "asignar/")
    assert assigned.status_code == 200 and assigned.json()["asignado_a_id"] == soporte_a.user.pk
    with schema_context("alfa"):
        log = Interaccion.objects.get(ticket_id=ticket["id"], tipo="asignacion")
    assert log.metadata == {"de": None, "a": soporte_a.user.pk}
    for bad in (usuario_a.user.pk, admin_b.user.pk + 10**6, "x"):
        assert (
            "asignado_a"
            in assert_error(desk.patch(admin_a, ticket["id"], {"asignado_a": bad}, "asignar/"), 400)[
                "details"
            ]
        )
    assert_error(desk.patch(admin_a, ticket["id"], {}, "asignar/"), 400)
    assert_error(desk.patch(usuario_a, ticket["id"], {"asignado_a": soporte_a.user.pk}, "asignar/"), 403)
    assert (
        desk.patch(soporte_a, ticket["id"], {"asignado_a": None}, "asignar/").json()["asignado_a_id"] is None
    )
    desk.estado(soporte_a, ticket["id"], "cerrado")
    assert_error(
        desk.patch(admin_a, ticket["id"], {"asignado_a": soporte_a.user.pk}, "asignar/"), 409, "ticket_closed"
    )


def test_interactions_newest_first_and_internal_notes_hidden_from_users(
    desk, usuario_a, soporte_a, make_actor
):
    ticket = desk.new(usuario_a)
    assert desk.comment(usuario_a, ticket["id"], "primero").status_code == 201
    assert desk.comment(soporte_a, ticket["id"], "solo equipo", tipo="nota_interna").status_code == 201
    assert desk.comment(soporte_a, ticket["id"], "respuesta").status_code == 201
    desk.estado(soporte_a, ticket["id"], "en_proceso")
    staff_view = desk.get(soporte_a, ticket["id"], "interacciones/").json()
    assert [i["tipo"] for i in staff_view["results"]] == [
        "cambio_estado",
        "comentario",
        "nota_interna",
        "comentario",
    ]
    first = staff_view["results"][-1]
    assert first["usuario"] == {
        "id": usuario_a.user.pk,
        "nombre": "Nombre",
        "apellido": "Apellido",
        "rol": "usuario",
    }
    user_view = desk.get(usuario_a, ticket["id"], "interacciones/").json()
    assert "nota_interna" not in [i["tipo"] for i in user_view["results"]] and user_view["count"] == 3
    assert_error(desk.get(make_actor("alfa", "usuario"), ticket["id"], "interacciones/"), 404)


def test_interactions_are_paginated_by_50(desk, soporte_a):
    ticket = desk.new(soporte_a)
    with schema_context("alfa"):
        Interaccion.objects.bulk_create(
            [
                Interaccion(
                    ticket_id=ticket["id"], usuario=soporte_a.user, tipo="comentario", contenido=str(i)
                )
                for i in range(60)
            ]
        )
    page = desk.get(soporte_a, ticket["id"], "interacciones/").json()
    assert page["count"] == 60 and len(page["results"]) == 50 and page["next"]


def test_comment_rules(desk, usuario_a, soporte_a, make_actor):
    ticket = desk.new(usuario_a)
    created = desk.comment(usuario_a, ticket["id"], "hola")
    assert created.status_code == 201 and created.json()["usuario_id"] == usuario_a.user.pk
    assert_error(desk.comment(usuario_a, ticket["id"], "x", tipo="nota_interna"), 403)
    assert_error(desk.comment(make_actor("alfa", "usuario"), ticket["id"]), 404)
    for system in ("cambio_estado", "asignacion"):
        assert "tipo" in assert_error(desk.comment(soporte_a, ticket["id"], tipo=system), 400)["details"]
    desk.estado(soporte_a, ticket["id"], "cerrado")
    assert_error(desk.comment(soporte_a, ticket["id"]), 409, "ticket_closed")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ticket_id": "nope", "tipo": "comentario", "contenido": "x"}, "ticket_id"),
        ({"tipo": "comentario", "contenido": "x"}, "ticket_id"),
        ({"ticket_id": str(uuid.uuid4()), "tipo": "otro", "contenido": "x"}, "tipo"),
        ({"ticket_id": str(uuid.uuid4()), "tipo": "comentario", "contenido": ""}, "contenido"),
        ({"ticket_id": str(uuid.uuid4()), "tipo": "comentario", "contenido": "x" * 10_001}, "contenido"),
    ],
)
def test_comment_bad_input(api, usuario_a, body, field):
    response = api.post(INTERACCIONES, tenant="alfa", token=usuario_a.token, json=body)
    assert field in assert_error(response, 400)["details"]


def test_comment_on_unknown_ticket_is_404(desk, usuario_a):
    assert_error(desk.comment(usuario_a, uuid.uuid4()), 404)


def test_a_token_of_another_tenant_is_refused_everywhere(desk, usuario_a, admin_b):
    ticket = desk.new(usuario_a)
    tid = ticket["id"]
    calls = [
        ("GET", TICKETS, None),
        ("POST", TICKETS, {"titulo": "x"}),
        ("GET", f"{TICKETS}{tid}/", None),
        ("PATCH", f"{TICKETS}{tid}/", {"titulo": "x"}),
        ("PATCH", f"{TICKETS}{tid}/estado/", {"estado": "cerrado"}),
        ("PATCH", f"{TICKETS}{tid}/asignar/", {"asignado_a": None}),
        ("GET", f"{TICKETS}{tid}/interacciones/", None),
        ("POST", INTERACCIONES, {"ticket_id": tid, "tipo": "comentario", "contenido": "x"}),
    ]
    for method, path, body in calls:
        response = desk.api.request(method, path, tenant="alfa", token=admin_b.token, json=body)
        assert_error(response, 401)
        assert ticket["titulo"] not in json.dumps(response.json())
    assert desk.get(usuario_a, tid).json()["estado"] == "abierto"
