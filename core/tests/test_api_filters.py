"""LeanFilterBackend: a list that names no filter skips django-filter; one that does is filtered
and validated as before."""

from django_tenants.utils import schema_context

from core.testing.client import assert_error
from tickets.models import Estado, Ticket


def test_filters_apply_when_named_and_bad_values_are_still_refused(api, fresh_tenant, make_actor):
    schema = fresh_tenant.schema_name
    staff = make_actor(schema, "admin")
    with schema_context(schema):
        Ticket.objects.create(usuario=staff.user, titulo="Abierto")
        Ticket.objects.create(usuario=staff.user, titulo="Cerrado", estado=Estado.CERRADO)
    every = api.get("/api/tickets/tickets/", tenant=schema, token=staff.token).json()
    assert every["count"] == 2
    closed = api.get("/api/tickets/tickets/?estado=cerrado", tenant=schema, token=staff.token).json()
    assert [t["titulo"] for t in closed["results"]] == ["Cerrado"]
    assert_error(api.get("/api/tickets/tickets/?estado=nope", tenant=schema, token=staff.token), 400)
    assert_error(api.get("/api/tickets/tickets/?usuario_id=x", tenant=schema, token=staff.token), 400)


def test_an_unknown_ordering_is_refused_and_the_error_lists_the_allowed_fields(api, fresh_tenant, make_actor):
    schema = fresh_tenant.schema_name
    staff = make_actor(schema, "admin")
    with schema_context(schema):
        Ticket.objects.create(usuario=staff.user, titulo="B", prioridad="alta")
        Ticket.objects.create(usuario=staff.user, titulo="A", prioridad="baja")
    by_priority = api.get(
        "/api/tickets/tickets/?ordering=-prioridad", tenant=schema, token=staff.token
    ).json()
    assert [t["prioridad"] for t in by_priority["results"]] == ["alta", "baja"]
    for bad in ("titulo", "-prioridad,nope", "password"):
        body = assert_error(
            api.get(f"/api/tickets/tickets/?ordering={bad}", tenant=schema, token=staff.token), 400
        )
        assert "fecha_creacion" in str(body["details"]["ordering"])
    users = api.get("/api/usuarios/usuarios/?ordering=-email", tenant=schema, token=staff.token)
    assert users.status_code == 200
    assert_error(api.get("/api/usuarios/usuarios/?ordering=password", tenant=schema, token=staff.token), 400)


def test_the_schema_lists_the_ordering_fields_and_what_search_looks_in(api):
    schema = api.get("/api/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/tickets/tickets/"]["get"]["parameters"]}
    assert set(parameters["ordering"]["schema"]["enum"]) >= {"prioridad", "-prioridad", "fecha_creacion"}
    assert "titulo" in parameters["search"]["description"]
