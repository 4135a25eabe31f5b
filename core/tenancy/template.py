"""The template schema's definition, dumped once per migration level and kept in the public schema.

django-tenants' clone_schema() and pg_dump both read the whole catalog, so their cost grows with
the number of schemas in the database (a one-schema pg_dump took 0.18 s at 10 schemas and 4.6 s
at 3,000). The template is dumped once per migration level instead, when `migrate` brings it up to
date, in three sections (definition before the data, the template's rows, definition after the
data) stored in `EsquemaPlantilla`. A new tenant replays all three under its name; a backup writes
the two definitions around the tenant's own rows. Both then cost what one tenant costs.
"""

from __future__ import annotations

import re
import threading

from django.db import IntegrityError, transaction

from core.db import connection, public_schema
from core.process_caches import register
from core.schema_copy import DumpError, dump_schema, execute_dump
from core.tenancy.levels import schema_level
from core.tenancy.models import EsquemaPlantilla

_SECTIONS = {"antes": "pre-data", "datos": "data", "despues": "post-data"}


class _Definitions:
    """Definitions already read in this process. A level's definition never changes."""

    name = "tenancy.template_definitions"

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_level: dict[str, EsquemaPlantilla] = {}

    def clear(self) -> None:
        with self.lock:
            self.by_level.clear()


definitions = register(_Definitions())


def rename_schema(sql: str, base: str, schema: str, *, ident: str | None = None) -> str:
    """The dump's SQL with schema `base` replaced by `schema`. pg_dump names every object
    `base.name` (its search_path is empty), quoted only when it must be; `ident` is how to write
    the new name (PostgreSQL's quote_ident(), to read as pg_dump writes), quoted by default."""
    name = re.escape(base)
    ident = ident or f'"{schema}"'
    renamed = re.sub(rf'(?<![\w"])(?:{name}|"{name}")\.', lambda _m: f"{ident}.", sql)
    return re.sub(
        rf'^CREATE SCHEMA (?:{name}|"{name}");$', lambda _m: f"CREATE SCHEMA {ident};", renamed, flags=re.M
    )


def _sequences(base: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'S' ORDER BY c.relname",
            [base],
        )
        return [name for (name,) in cursor.fetchall()]


# the columns COPY reads and writes, as pg_dump chooses them (no generated columns)
TABLE_COLUMNS = """
    SELECT c.relname, array_agg(a.attname::text ORDER BY a.attnum)
    FROM pg_class c
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
    WHERE c.oid = ANY(%s::oid[])
    GROUP BY c.relname
"""


def table_columns(cursor, schema: str, tables: list[str] | None = None) -> dict[str, list[str]]:
    """Each table's columns. Without `tables`, every table of the schema (a catalog scan: for
    the template, once per level); with them, only those, found through the name index."""
    if tables is None:
        cursor.execute(
            "SELECT array_agg(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
            [schema],
        )
        oids = cursor.fetchone()[0] or []
    else:
        cursor.execute(
            "SELECT array_agg(to_regclass(format('%%I.%%I', %s::text, t))::oid) FROM unnest(%s::text[]) t",
            [schema, tables],
        )
        oids = [oid for oid in cursor.fetchone()[0] or [] if oid is not None]
    cursor.execute(TABLE_COLUMNS, [oids])
    return dict(cursor.fetchall())


def _dump_section(base: str, section: str) -> str:
    chunks: list[bytes] = []
    dump_schema(base, chunks.append, section=section)
    return b"".join(chunks).decode()


def template_definition_store(base: str) -> EsquemaPlantilla | None:
    """Dump the template at its current level (once per level: `migrate` calls this after
    migrating the template). None when no usable pg_dump is found."""
    with connection.cursor() as cursor:
        level = schema_level(cursor, base)
    existing = EsquemaPlantilla.objects.filter(nivel=level).first()
    if existing:
        return existing
    try:
        sections = {field: _dump_section(base, section) for field, section in _SECTIONS.items()}
    except DumpError:
        return None
    with connection.cursor() as cursor:
        tables = table_columns(cursor, base)
    definition = EsquemaPlantilla(
        nivel=level, plantilla=base, tablas=tables, secuencias=_sequences(base), **sections
    )
    try:
        with transaction.atomic():
            definition.save(force_insert=True)
    except IntegrityError:  # another process stored the same level first
        return EsquemaPlantilla.objects.get(nivel=level)
    return definition


def definition_for_level(level: str) -> EsquemaPlantilla | None:
    """The stored definition of this migration level, if the template was ever at it."""
    with definitions.lock:
        cached = definitions.by_level.get(level)
    if cached:
        return cached
    with public_schema():
        found = EsquemaPlantilla.objects.filter(nivel=level).first()
    if found:
        with definitions.lock:
            definitions.by_level[level] = found
    return found


def template_definition(base: str) -> EsquemaPlantilla | None:
    """The template's definition at its current level (stored now if `migrate` did not)."""
    with connection.cursor() as cursor:
        level = schema_level(cursor, base)
    return definition_for_level(level) or template_definition_store(base)


def create_from_template(base: str, schema: str) -> str | None:
    """Create `schema` as a copy of `base` in the current transaction; returns the new schema's
    migration level, or None when the template cannot be dumped."""
    definition = template_definition(base)
    if definition is None:
        return None
    sql = definition.antes + definition.datos + definition.despues
    with connection.cursor() as cursor:
        execute_dump(cursor, [rename_schema(sql, base, schema).encode()])
        # the dump turned search_path off for this transaction's session: give it back
        cursor.execute("SELECT set_config('search_path', 'public', false)")
    connection.forget_search_path()
    return definition.nivel
