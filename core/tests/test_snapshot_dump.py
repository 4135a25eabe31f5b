"""The O(tenant) dump (the template's stored definition around the tenant's rows) restores exactly
what a pg_dump round trip restores, is plain SQL psql replays into an empty database, and is one
consistent snapshot while writes go on."""

import shutil
import subprocess
import threading
import uuid

import psycopg2
import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from core.citus import sharding_off
from core.schema_copy import dump_schema, execute_dump
from core.tenancy.snapshot import dump_tenant
from core.tenancy.template import rename_schema
from core.testing.factories import create_user
from core.testing.fill import fill_tenant
from core.testing.processes import session_database_url
from tickets.models import Interaccion, Ticket


def _dump(schema: str, how: str) -> str:
    chunks: list[bytes] = []
    if how == "pg_dump":
        dump_schema(schema, chunks.append)
    else:
        assert dump_tenant(schema, chunks.append) == "snapshot"
    return b"".join(chunks).decode()


def _replay(sql: str, schema: str, as_schema: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        sharding_off(cursor)  # on Citus, as restores do: a local schema (this one is compared, not served)
        execute_dump(cursor, [rename_schema(sql, schema, as_schema).encode()])
        cursor.execute("SELECT set_config('search_path', 'public', false)")


def _catalog(schema: str) -> dict[str, object]:
    """Everything a restore must bring back, with the schema's name taken out."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
            "AND table_type = 'BASE TABLE' ORDER BY 1",
            [schema],
        )
        tables = [t for (t,) in cursor.fetchall()]
        rows = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{schema}"."{table}" ORDER BY 1')
            rows[table] = cursor.fetchall()
        cursor.execute(
            "SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid) FROM pg_constraint con "
            "JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s ORDER BY 1, 2",
            [schema],
        )
        constraints = [tuple(str(v).replace(schema, "S") for v in row) for row in cursor.fetchall()]
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s ORDER BY 1", [schema]
        )
        indexes = [(name, definition.replace(schema, "S")) for name, definition in cursor.fetchall()]
        cursor.execute(
            "SELECT sequencename, last_value, increment_by FROM pg_sequences WHERE schemaname = %s ORDER BY 1",
            [schema],
        )
        sequences = cursor.fetchall()
    return {"rows": rows, "constraints": constraints, "indexes": indexes, "sequences": sequences}


@pytest.fixture
def scratch_schemas():
    made: list[str] = []
    yield made
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        for schema in made:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_the_snapshot_dump_restores_what_a_pg_dump_round_trip_restores(fresh_tenant, scratch_schemas):
    schema = fresh_tenant.schema_name
    fill_tenant(schema)
    with schema_context(schema), connection.cursor() as cursor:
        # a sequence that has moved past its rows, as after deletes
        cursor.execute("SELECT setval(pg_get_serial_sequence('tickets_interaccion', 'id'), 500)")
    by_pg_dump, by_snapshot = f"dump_{uuid.uuid4().hex[:8]}", f"snap_{uuid.uuid4().hex[:8]}"
    scratch_schemas += [by_pg_dump, by_snapshot]
    _replay(_dump(schema, "pg_dump"), schema, by_pg_dump)
    _replay(_dump(schema, "snapshot"), schema, by_snapshot)

    expected, restored = _catalog(by_pg_dump), _catalog(by_snapshot)
    assert restored["rows"] == expected["rows"]
    assert expected["rows"]["tickets_ticket"] and expected["rows"]["productos_pedido"]
    assert restored["constraints"] == expected["constraints"] and len(expected["constraints"]) > 20
    assert restored["indexes"] == expected["indexes"]
    assert restored["sequences"] == expected["sequences"]
    assert ("tickets_interaccion_id_seq", 500, 1) in restored["sequences"]


def test_the_snapshot_dump_is_plain_sql_that_psql_replays_into_a_new_database(fresh_tenant):
    schema = fresh_tenant.schema_name
    fill_tenant(schema)
    sql = _dump(schema, "snapshot")
    psql = shutil.which("psql")
    assert psql, "psql is part of the PostgreSQL client this suite runs against"
    scratch_db = f"vacia_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(session_database_url())
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{scratch_db}"')
    url = session_database_url().rsplit("/", 1)[0] + f"/{scratch_db}"
    try:
        # the one extension the product installs (core's migration 0002), as for a pg_dump
        empty = psycopg2.connect(url)
        with empty, empty.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        empty.close()
        replay = subprocess.run(
            [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", url],
            input=sql,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert replay.returncode == 0, replay.stderr
        restored = psycopg2.connect(url)
        with restored, restored.cursor() as cursor:
            cursor.execute(f'SELECT titulo FROM "{schema}".tickets_ticket')
            assert cursor.fetchall() == [("Se rompió",)]
        restored.close()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch_db}" WITH (FORCE)')
        admin.close()


def test_the_snapshot_dump_is_one_consistent_snapshot_while_writes_go_on(fresh_tenant):
    """Each write adds a ticket and its comment in one transaction: a dump that saw one without
    the other would not be one snapshot."""
    schema = fresh_tenant.schema_name
    author = create_user(schema, rol="admin")
    stop = threading.Event()
    written = []

    def writer() -> None:
        try:
            with schema_context(schema):
                while not stop.is_set():
                    with transaction.atomic():
                        ticket = Ticket.objects.create(titulo=f"t{len(written)}", usuario=author)
                        Interaccion.objects.create(
                            ticket=ticket, usuario=author, tipo="comentario", contenido="par"
                        )
                    written.append(ticket.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        sql = _dump(schema, "snapshot")
    finally:
        stop.set()
        thread.join()

    def copied(table: str) -> list[str]:
        block = sql.split(f"COPY {schema}.{table} ", 1)[1].split("\n\\.\n", 1)[0]
        return block.split("\n")[1:]

    tickets = {line.split("\t")[0] for line in copied("tickets_ticket")}
    commented = {
        line.split("\t")[_column(schema, "tickets_interaccion", "ticket_id")]
        for line in copied("tickets_interaccion")
    }
    assert len(tickets) >= 20 and tickets == commented


def _column(schema: str, table: str, column: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute "
            "WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped",
            [f'"{schema}"."{table}"'],
        )
        return cursor.fetchone()[0].index(column)
