"""A connection sets its search_path only when the tenant changes, and always reads its own."""

import httpx
import pytest
from django.db import ProgrammingError, connection, connections, transaction
from django_tenants.utils import schema_context

from tickets.models import Ticket


@pytest.fixture(autouse=True)
def _persistent_connections(monkeypatch):
    """Connections that live across requests, as in production (the suite closes each one)."""
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 60)


def _sets(sql_log) -> list[str]:
    return [s for s in sql_log.statements if s.startswith("SET search_path")]


def _titles(client, actor) -> set[str]:
    response = client.get(
        "/api/tickets/tickets/",
        headers={"X-Tenant-ID": actor.schema, "Authorization": f"Bearer {actor.token}"},
    )
    assert response.status_code == 200, response.text
    return {t["titulo"] for t in response.json()["results"]}


def test_a_connection_sets_the_search_path_only_when_the_tenant_changes(
    http_server, tenant_a, tenant_b, make_actor, sql_log
):
    alfa = make_actor(tenant_a.schema_name, "usuario")
    beta = make_actor(tenant_b.schema_name, "usuario")
    with schema_context(tenant_a.schema_name):
        Ticket.objects.create(usuario=alfa.user, titulo="De alfa")
    with schema_context(tenant_b.schema_name):
        Ticket.objects.create(usuario=beta.user, titulo="De beta")
    # one keep-alive connection: one server thread, one database connection
    with httpx.Client(base_url=http_server.url, timeout=30) as client:
        assert _titles(client, alfa) == {"De alfa"}
        assert _titles(client, beta) == {"De beta"}  # both tenants known to the process now
        sql_log.clear()
        assert _titles(client, beta) == {"De beta"}
        assert _sets(sql_log) == []
        assert _titles(client, alfa) == {"De alfa"}
        assert _sets(sql_log) == [f'SET search_path = "{tenant_a.schema_name}"']
        sql_log.clear()
        assert _titles(client, alfa) == {"De alfa"}
        assert _sets(sql_log) == []


def test_a_rolled_back_write_leaves_the_next_request_in_its_own_tenant(
    http_server, tenant_a, tenant_b, make_actor, sql_log
):
    alfa = make_actor(tenant_a.schema_name, "usuario")
    beta = make_actor(tenant_b.schema_name, "usuario")
    with schema_context(tenant_a.schema_name):
        ticket = Ticket.objects.create(usuario=alfa.user, titulo="Cerrado de alfa", estado="cerrado")
    with schema_context(tenant_b.schema_name):
        Ticket.objects.create(usuario=beta.user, titulo="De beta")
    with httpx.Client(base_url=http_server.url, timeout=30) as client:
        assert _titles(client, beta) == {"De beta"}
        # a refused transition: the service's transaction rolls back
        refused = client.patch(
            f"/api/tickets/tickets/{ticket.pk}/estado/",
            json={"estado": "en_proceso"},
            headers={"X-Tenant-ID": alfa.schema, "Authorization": f"Bearer {alfa.token}"},
        )
        assert refused.status_code == 409, refused.text
        assert _titles(client, alfa) == {"Cerrado de alfa"}
        assert _titles(client, beta) == {"De beta"}


def test_a_tenants_search_path_leaves_the_public_schema_out(tenant_a):
    """PostgreSQL skips a schema of the path that does not exist: with `tenant, public`, a request
    racing its tenant's deletion would fall through to the public tables of the same name."""
    with schema_context(tenant_a.schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT current_schemas(false)")
        assert cursor.fetchone()[0] == [tenant_a.schema_name]
        with pytest.raises(ProgrammingError, match="core_tenant"), transaction.atomic():
            cursor.execute("SELECT count(*) FROM core_tenant")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schemas(false)")
        assert cursor.fetchone()[0] == ["public"]
