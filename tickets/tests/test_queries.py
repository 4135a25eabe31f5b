"""The list's SQL does not grow with the page size."""

import pytest
from django_tenants.utils import schema_context

from tickets.models import Ticket


def test_list_statement_count_is_constant_in_page_size(fresh_tenant, make_actor, desk_for, sql_log):
    schema = fresh_tenant.schema_name
    staff = make_actor(schema, "admin")
    with schema_context(schema):
        Ticket.objects.bulk_create(
            [Ticket(usuario=staff.user, asignado_a=staff.user, titulo=f"T{i}") for i in range(120)]
        )
    desk = desk_for(schema)
    counts = {}
    for size in (10, 50, 100):
        desk.list(staff, page_size=size)  # warm
        sql_log.clear()
        body = desk.list(staff, page_size=size).json()
        assert len(body["results"]) == size
        counts[size] = len(sql_log.statements)
    assert counts[10] == counts[50] == counts[100], counts
    assert counts[10] <= 4, counts  # SET search_path, the user, count, page


@pytest.mark.parametrize("ordering", ["prioridad", "-fecha_actualizacion"])
def test_list_orderings_stay_constant_too(fresh_tenant, make_actor, desk_for, sql_log, ordering):
    schema = fresh_tenant.schema_name
    staff = make_actor(schema, "soporte")
    with schema_context(schema):
        Ticket.objects.bulk_create([Ticket(usuario=staff.user, titulo=f"T{i}") for i in range(60)])
    desk = desk_for(schema)
    desk.list(staff, page_size=10, ordering=ordering)  # warm
    sql_log.clear()
    desk.list(staff, page_size=10, ordering=ordering)
    small = len(sql_log.statements)
    sql_log.clear()
    desk.list(staff, page_size=60, ordering=ordering)
    assert len(sql_log.statements) == small
