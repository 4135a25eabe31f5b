"""List envelopes: `count` is exact up to PAGE_COUNT_EXACT_LIMIT and estimated past it, while
`next` and the pages stay right whatever the estimate."""

from django.db import connection
from django_tenants.utils import schema_context

from core.testing.client import assert_error
from tickets.models import Ticket


def _seed(schema, owner, n):
    with schema_context(schema):
        Ticket.objects.bulk_create([Ticket(usuario=owner, titulo=f"P{i}") for i in range(n)])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_ticket")


def _walk(api, schema, token, path):
    seen, pages = [], 0
    while path:
        body = api.get(path, tenant=schema, token=token).json()
        seen += [t["id"] for t in body["results"]]
        pages += 1
        path = body["next"].split("//", 1)[1].split("/", 1)[1] if body["next"] else None
        path = f"/{path}" if path else None
    return seen, pages, body


def test_a_small_list_counts_exactly(api, fresh_tenant, make_actor, settings):
    settings.PAGE_COUNT_EXACT_LIMIT = 1000
    staff = make_actor(fresh_tenant.schema_name, "admin")
    _seed(fresh_tenant.schema_name, staff.user, 23)
    body = api.get(
        "/api/tickets/tickets/?page_size=10", tenant=fresh_tenant.schema_name, token=staff.token
    ).json()
    assert body["count"] == 23


def test_past_the_limit_the_count_is_estimated_and_every_row_is_still_reached_once(
    api, fresh_tenant, make_actor, settings, sql_log
):
    settings.PAGE_COUNT_EXACT_LIMIT = 5
    schema = fresh_tenant.schema_name
    staff = make_actor(schema, "admin")
    _seed(schema, staff.user, 37)
    sql_log.clear()
    first = api.get("/api/tickets/tickets/?page_size=10", tenant=schema, token=staff.token).json()
    assert first["count"] >= 10  # never less than what the pages show
    assert not [
        s for s in sql_log.statements if s.startswith('SELECT COUNT(*) AS "__count" FROM "tickets_ticket"')
    ]
    seen, pages, last = _walk(api, schema, staff.token, "/api/tickets/tickets/?page_size=10")
    assert len(seen) == len(set(seen)) == 37 and pages == 4
    assert last["next"] is None and last["previous"] is not None
    past = api.get("/api/tickets/tickets/?page_size=10&page=9", tenant=schema, token=staff.token)
    assert_error(past, 404)
    assert_error(api.get("/api/tickets/tickets/?page=0", tenant=schema, token=staff.token), 404)
    assert_error(api.get("/api/tickets/tickets/?page=x", tenant=schema, token=staff.token), 404)


def test_an_estimated_count_of_a_filtered_list_stays_in_the_tenant(
    api, fresh_tenant, make_actor, settings, admin_b
):
    settings.PAGE_COUNT_EXACT_LIMIT = 5
    schema = fresh_tenant.schema_name
    staff = make_actor(schema, "admin")
    _seed(schema, staff.user, 12)
    other = api.get("/api/tickets/tickets/", tenant="beta", token=admin_b.token).json()
    mine, _, _ = _walk(api, schema, staff.token, "/api/tickets/tickets/?page_size=5&estado=abierto")
    theirs = {t["id"] for t in other["results"]}
    assert len(mine) == 12 and not theirs & set(mine)


def test_on_citus_the_estimate_is_the_workers_not_the_custom_scans_placeholder():
    from core.api.pagination import _rows

    citus = {
        "Node Type": "Custom Scan",
        "Custom Plan Provider": "Citus Adaptive",
        "Plan Rows": 100000,
        "Distributed Query": {
            "Job": {
                "Task Count": 1,
                "Tasks": [
                    {
                        "Node": "host=10.0.0.2 port=5432 dbname=saas",
                        "Remote Plan": [[{"Plan": {"Node Type": "Seq Scan", "Plan Rows": 1270}}]],
                    }
                ],
            }
        },
    }
    assert _rows(citus) == 1270
    assert _rows({"Node Type": "Seq Scan", "Plan Rows": 37}) == 37
