"""On a Citus cluster (CITUS_DATABASE_URL, the whole suite runs on its coordinator): tenants are
distributed schemas placed on the workers, shown in the API; a tenant moves to another worker while
it is served, with no failed request (or, where a worker commits asynchronously, with its writes
paused); a restore puts the tenant back whole on one worker; the size
check reads Citus' own sizes. On plain PostgreSQL, moving is refused with a clear error."""

from __future__ import annotations

import os
import threading
import uuid
from collections import Counter

import httpx
import pytest
from django.db import connection
from django_tenants.utils import schema_context

from core.testing.client import assert_error
from core.testing.factories import Actor, create_test_tenant, drop_test_tenants
from core.testing.fill import fill_tenant

TENANTS = "/api/tenants/"
on_citus = pytest.mark.skipif(
    not os.environ.get("CITUS_DATABASE_URL"), reason="needs a Citus cluster: set CITUS_DATABASE_URL"
)


@pytest.fixture
def citus_tenants():
    made: list[str] = []

    def make() -> str:
        schema = f"ct_{uuid.uuid4().hex[:10]}"
        create_test_tenant(schema)
        made.append(schema)
        return schema

    yield make
    drop_test_tenants(made)


def _nodes_of(schema: str) -> set[str]:
    """The nodes holding any shard of the schema's tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT nodename || ':' || nodeport FROM citus_shards WHERE table_name::text LIKE %s",
            [f"{schema}.%"],
        )
        return {node for (node,) in cursor.fetchall()}


def _workers() -> list[str]:
    from core.citus import worker_nodes

    with connection.cursor() as cursor:
        return worker_nodes(cursor)


@on_citus
def test_new_tenants_are_distributed_schemas_on_the_workers_and_the_api_shows_where(
    api, operator, citus_tenants
):
    schemas = [citus_tenants() for _ in range(4)]
    workers = _workers()
    placed = {}
    for schema in schemas:
        nodes = _nodes_of(schema)
        assert len(nodes) == 1 and nodes <= set(workers), nodes  # whole, on one worker
        placed[schema] = nodes.pop()
    assert len(set(placed.values())) == len(workers)  # Citus spreads them over the workers
    listed = {
        t["schema_name"]: t["nodo"]
        for t in api.get(TENANTS, token=operator.token, params={"page_size": 100}).json()["results"]
    }
    assert all(listed[s] == placed[s] for s in schemas)
    detail = api.get(f"{TENANTS}{schemas[0]}/", token=operator.token).json()
    assert detail["nodo"] == placed[schemas[0]]


def _move_under_load(api, operator, schema: str) -> tuple[Counter, int, int]:
    """Move the tenant to the other worker while 4 clients create and list its tickets.
    Returns the answers' statuses and the tickets read after, on a connection opened before the
    move (whose placement metadata must follow it) and on a new one."""
    admin = Actor(schema, "admin")
    [here] = _nodes_of(schema)
    there = next(w for w in _workers() if w != here)
    answers: Counter = Counter()
    lock = threading.Lock()
    stop = threading.Event()

    def load(n: int) -> None:
        with httpx.Client(base_url=api.base_url, timeout=60) as client:
            headers = {"X-Tenant-ID": schema, "Authorization": f"Bearer {admin.token}"}
            i = 0
            while not stop.is_set():
                if (i + n) % 2:
                    response = client.post(
                        "/api/tickets/tickets/", headers=headers, json={"titulo": f"mudanza {n}-{i}"}
                    )
                else:
                    response = client.get("/api/tickets/tickets/", headers=headers)
                with lock:  # Counter's += is not atomic across threads
                    answers[response.status_code] += 1
                i += 1

    threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        moved = api.post(f"{TENANTS}{schema}/mover/", token=operator.token, json={"nodo": there})
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert moved.status_code == 200, moved.text
    assert moved.json()["nodo"] == there and _nodes_of(schema) == {there}
    from tickets.models import Ticket

    with schema_context(schema):
        stale = Ticket.objects.filter(titulo__startswith="mudanza").count()
    connection.close()
    with schema_context(schema):
        fresh = Ticket.objects.filter(titulo__startswith="mudanza").count()
    return answers, stale, fresh


def _worker_setting(node: str, value: str | None) -> None:
    """synchronous_commit for new sessions on one worker (None: back to its configuration)."""
    import psycopg2

    host, _sep, port = node.rpartition(":")
    conn = psycopg2.connect(
        host=host,
        port=int(port),
        user=connection.settings_dict["USER"],
        dbname=connection.settings_dict["NAME"],
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        if value is None:
            cursor.execute("ALTER SYSTEM RESET synchronous_commit")
        else:
            cursor.execute("ALTER SYSTEM SET synchronous_commit = %s", [value])
        cursor.execute("SELECT pg_reload_conf()")
    conn.close()


@on_citus
def test_a_tenant_moves_to_another_worker_under_load_with_no_failed_request_and_no_lost_write(
    api, operator, citus_tenants
):
    from core.citus import commits_asynchronously

    schema = citus_tenants()
    [here] = _nodes_of(schema)
    with connection.cursor() as cursor:
        assert not commits_asynchronously(cursor, here), "this test needs synchronous_commit on the workers"
    answers, stale, fresh = _move_under_load(api, operator, schema)
    # online: nothing refused, not even writes
    assert set(answers) <= {200, 201} and answers[201] > 0 and answers[200] > 0, answers
    assert stale == fresh == answers[201], (stale, fresh, answers[201])


@on_citus
def test_a_worker_that_commits_asynchronously_moves_with_its_writes_paused_and_loses_none(
    api, operator, citus_tenants
):
    schema = citus_tenants()
    [here] = _nodes_of(schema)
    _worker_setting(here, "off")
    try:
        answers, stale, fresh = _move_under_load(api, operator, schema)
    finally:
        _worker_setting(here, None)
    # writes are told to retry during the move (503 tenant_maintenance), never lost
    assert set(answers) <= {200, 201, 503} and answers[201] > 0 and answers[200] > 0, answers
    assert stale == fresh == answers[201], (stale, fresh, answers[201])


@on_citus
def test_moving_to_a_node_outside_the_cluster_is_refused(api, operator, citus_tenants):
    schema = citus_tenants()
    body = assert_error(
        api.post(f"{TENANTS}{schema}/mover/", token=operator.token, json={"nodo": "nowhere:1"}), 400
    )
    assert "nodo" in body["details"]


@on_citus
def test_a_restore_puts_the_tenant_back_whole_on_one_worker(api, citus_tenants, backup_settings):
    from backups import services

    schema = citus_tenants()
    fill_tenant(schema)
    admin = Actor(schema, "admin")
    with schema_context(schema):
        record, _ = services.backup_create(allow_async=False)
        assert services.schema_size(schema) > 500 * 1024  # Citus' sizes, not the coordinator's shells
    response = api.post(
        f"/api/backups/history/{record.pk}/restore/",
        tenant=schema,
        token=admin.token,
        json={"confirm": schema},
    )
    assert response.status_code == 200, response.text
    nodes = _nodes_of(schema)
    assert len(nodes) == 1 and nodes <= set(_workers())
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM citus_schemas WHERE schema_name::text = %s", [schema])
        assert cursor.fetchone()[0] == 1
    with schema_context(schema):
        from tickets.models import Ticket

        assert Ticket.objects.filter(titulo="Se rompió").exists()


@pytest.mark.skipif(bool(os.environ.get("CITUS_DATABASE_URL")), reason="plain PostgreSQL only")
def test_moving_a_tenant_needs_citus(api, operator, tenant_a):
    body = assert_error(
        api.post(
            f"{TENANTS}{tenant_a.schema_name}/mover/", token=operator.token, json={"nodo": "127.0.0.1:5432"}
        ),
        409,
        "citus_required",
    )
    assert "Citus" in body["error"]
    assert_error(
        api.post(
            f"{TENANTS}{tenant_a.schema_name}/mover/", token=operator.token, json={"nodo": "sin puerto"}
        ),
        400,
    )
    tenant = api.get(f"{TENANTS}{tenant_a.schema_name}/", token=operator.token).json()
    assert tenant["nodo"] is None


@on_citus
def test_without_pg_dump_tenant_creation_on_citus_is_refused_not_left_half_made(api, operator, settings):
    """django-tenants' clone_schema() would leave a "distributed" schema with no shards and its
    tables local: on Citus the fallback is refused instead, and nothing is left behind."""
    from core.models import EsquemaPlantilla, Tenant
    from core.tenancy.template import definitions

    stored = list(EsquemaPlantilla.objects.all())
    EsquemaPlantilla.objects.all().delete()
    definitions.clear()
    settings.BACKUP_PG_DUMP = "/nonexistent/pg_dump"
    schema = f"ct_{uuid.uuid4().hex[:10]}"
    try:
        body = assert_error(
            api.post(
                TENANTS,
                token=operator.token,
                json={
                    "schema_name": schema,
                    "nombre": "X",
                    "admin": {"email": "a@x.test", "password": "Clave-Segura-2026x", "nombre": "A"},
                },
            ),
            409,
            "tenant_clone_unsupported",
        )
        assert "pg_dump" in body["error"]
        assert not Tenant.objects.filter(schema_name=schema).exists()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname = %s", [schema])
            assert cursor.fetchone()[0] == 0
    finally:
        EsquemaPlantilla.objects.bulk_create(stored, ignore_conflicts=True)
        definitions.clear()
