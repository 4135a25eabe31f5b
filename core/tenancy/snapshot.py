"""One tenant's dump at the cost of that tenant (not of every schema in the database).

pg_dump reads the whole catalog whatever it dumps: one small tenant's backup took 3 s at 1,000
tenants. This dump writes the template's stored definition at the tenant's migration level
(`EsquemaPlantilla`, the same SQL pg_dump gave for the template) around the tenant's own rows,
read with `COPY` in one REPEATABLE READ, read-only snapshot, then each sequence's value. The
file is the same plain SQL as before: psql (or `execute_dump`) replays it into an empty database.

The definition fits only if the tenant is exactly at a level the template was at and its tables
have the template's columns; otherwise (a schema changed by hand, a tenant mid-rollout) the
tenant is dumped by pg_dump, which is always right, only slower. BACKUP_DUMP=pg_dump always uses it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import psycopg2
import psycopg2.extensions
from django.conf import settings

from core.db import connection
from core.schema_copy import dump_schema
from core.tenancy.levels import schema_level
from core.tenancy.models import EsquemaPlantilla
from core.tenancy.template import definition_for_level, rename_schema, table_columns

logger = logging.getLogger(__name__)


def _quoted(cursor, schema: str, definition: EsquemaPlantilla) -> dict[str, str]:
    """Every name the dump writes, as pg_dump writes it: quoted only when it must be (PostgreSQL's
    quote_ident decides, keywords included), in one query."""
    names = {schema, *definition.tablas, *definition.secuencias}
    names.update(c for columns in definition.tablas.values() for c in columns)
    cursor.execute("SELECT n, quote_ident(n) FROM unnest(%s::text[]) n", [sorted(names)])
    return dict(cursor.fetchall())


class _Writer:
    """The file-like object COPY TO writes into."""

    def __init__(self, write: Callable[[bytes], object]) -> None:
        self._write = write

    def write(self, data: str | bytes) -> None:
        self._write(data.encode() if isinstance(data, str) else data)


def _snapshot_connection():
    conn = psycopg2.connect(**connection.get_connection_params())
    conn.set_session(isolation_level=psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ, readonly=True)
    return conn


def _write_rows(cursor, schema: str, quoted: dict[str, str], definition: EsquemaPlantilla, write) -> None:
    out = _Writer(write)
    ident = quoted[schema]
    for table, columns in definition.tablas.items():
        target = f"{ident}.{quoted[table]}"
        cols = ", ".join(quoted[c] for c in columns)
        write(f"\n--\n-- Data for Name: {table}; Type: TABLE DATA; Schema: {schema}\n--\n\n".encode())
        write(f"COPY {target} ({cols}) FROM stdin;\n".encode())
        cursor.copy_expert(f"COPY {target} ({cols}) TO STDOUT", out)
        write(b"\\.\n\n")
    for sequence in definition.secuencias:
        target = f"{ident}.{quoted[sequence]}"
        # a sequence is not transactional: its value is read after the snapshot, so it is never
        # behind a row in the dump (as with pg_dump)
        cursor.execute(f"SELECT last_value, is_called FROM {target}")  # noqa: S608
        value, called = cursor.fetchone()
        literal = target.replace("'", "''")
        write(f"SELECT pg_catalog.setval('{literal}', {value}, {'true' if called else 'false'});\n".encode())


def dump_tenant(schema: str, write: Callable[[bytes], object]) -> str:
    """Stream the tenant's dump into `write(bytes)`; returns how it was made ("snapshot" or
    "pg_dump")."""
    if settings.BACKUP_DUMP == "pg_dump":
        dump_schema(schema, write)
        return "pg_dump"
    conn = _snapshot_connection()
    try:
        with conn.cursor() as cursor:
            definition = definition_for_level(schema_level(cursor, schema))
            fits = definition is not None and table_columns(cursor, schema, list(definition.tablas)) == dict(
                definition.tablas
            )
            if definition is None or not fits:
                logger.warning("%s does not match a stored template definition: dumped by pg_dump", schema)
            else:
                base, quoted = definition.plantilla, _quoted(cursor, schema, definition)
                ident = quoted[schema]
                write(rename_schema(definition.antes, base, schema, ident=ident).encode())
                _write_rows(cursor, schema, quoted, definition, write)
                write(b"\n")
                write(rename_schema(definition.despues, base, schema, ident=ident).encode())
                return "snapshot"
    finally:
        conn.close()
    dump_schema(schema, write)
    return "pg_dump"
