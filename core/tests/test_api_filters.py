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
