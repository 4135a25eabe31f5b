"""A persistent connection is closed once it has served DB_MAX_SCHEMAS_PER_CONNECTION schemas, so
no PostgreSQL backend keeps a relation cache for every tenant (a real server, real backends)."""

import uuid

import httpx
import pytest
from django.db import connection

from core.testing.factories import Actor, create_test_tenant, drop_test_tenants
from core.testing.processes import gunicorn, server_env, session_database_url


@pytest.fixture
def four_tenants():
    schemas = [f"cp_{uuid.uuid4().hex[:8]}" for _ in range(4)]
    actors = []
    for schema in schemas:
        create_test_tenant(schema)
        actors.append(Actor(schema, "usuario"))
    yield actors
    drop_test_tenants(schemas)


def _backends(name: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [name])
        return [pid for (pid,) in cursor.fetchall()]


def _serve_round_robin(four_tenants, limit: int) -> list[list[int]]:
    """Each request's backends (by application name), two rounds over the tenants."""
    name = f"politica_{uuid.uuid4().hex[:8]}"
    env = server_env(
        DATABASE_URL=f"{session_database_url()}?application_name={name}",
        DB_CONN_MAX_AGE="60",
        DB_MAX_SCHEMAS_PER_CONNECTION=str(limit),
    )
    seen = []
    with gunicorn(env, workers=1, threads=1) as url, httpx.Client(base_url=url, timeout=30) as client:
        for actor in four_tenants * 2:
            # a write: it always reaches the database (a warm read may not)
            response = client.post(
                "/api/tickets/tickets/",
                headers={"X-Tenant-ID": actor.schema, "Authorization": f"Bearer {actor.token}"},
                json={"titulo": "Conexión"},
            )
            assert response.status_code == 201, response.text
            seen.append(_backends(name))
    return seen


def test_a_connection_that_served_too_many_schemas_is_replaced(four_tenants):
    seen = _serve_round_robin(four_tenants, limit=2)
    # never more than one backend for the one worker thread: the old one is closed, not leaked
    assert all(len(pids) <= 1 for pids in seen), seen
    pids = [p for pids in seen for p in pids]
    # public plus two tenants fill a connection: 8 requests over 4 tenants need at least 4
    assert len(set(pids)) >= 4, seen


def test_without_a_limit_one_connection_serves_every_tenant(four_tenants):
    seen = _serve_round_robin(four_tenants, limit=0)
    pids = {p for pids in seen for p in pids}
    assert len(pids) == 1, seen
