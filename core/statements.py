"""Hot statements compiled once per process, then run with new values.

Django compiles a queryset's SQL on every call: 0.2 to 0.5 ms of CPU for a one-row lookup, an
insert or an update of a few columns (measured in one process: README, per-request cost), which
on a write request costs more than the round trips themselves. The statements here are built
the first time they run, by the ORM or from the model's fields, and their SQL is kept; rows
come back as model instances through `Model.from_db`, as the ORM makes them. Table names are
unqualified, so one SQL text serves every tenant: the connection's search_path picks the schema.

Only plain statements qualify: a lookup without joins, annotations or select_related; an
insert or update of concrete fields of a model that no signal receiver listens to (the ORM's
save() would send pre_save/post_save; these do not, and refuse a model that has receivers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, DatabaseError
from django.db.models import AutoField, BigAutoField, Field, Model, QuerySet, SmallAutoField
from django.db.models.expressions import Expression
from django.db.models.signals import post_save, pre_save

from core.db import connection
from core.db_backend.base import execute_together

M = TypeVar("M", bound=Model)
_AUTO = (AutoField, BigAutoField, SmallAutoField)


class Param(Expression):
    """A named value of a compiled lookup: `%s` in its SQL, given at each run."""

    def __init__(self, name: str, output_field: Field) -> None:
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def resolve_expression(self, *args, **kwargs):
        return self


class Lookup(Generic[M]):
    """A queryset, compiled at its first run (inside the caller's transaction, so that
    select_for_update compiles), run again with the values of its `Param`s."""

    def __init__(self, build: Callable[[], QuerySet[M]]) -> None:
        self._build = build
        self._compiled: tuple | None = None

    def _compile(self) -> tuple:
        queryset = self._build()
        query = queryset.query
        joined = [alias for alias, uses in query.alias_refcount.items() if uses]
        if query.select_related or query.annotations or query.extra or len(joined) > 1:
            raise ValueError("Only a plain lookup on one table compiles once.")
        compiler = query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        columns = [expression for expression, _sql, _alias in compiler.select]
        names = [column.target.attname for column in columns]
        converters = [
            (i, converters, column) for i, (converters, column) in compiler.get_converters(columns).items()
        ]
        slots = [(p.name, p.output_field) if isinstance(p, Param) else (None, p) for p in params]
        self._compiled = (queryset.model, queryset.db, sql, slots, names, converters)
        return self._compiled

    def first(self, **values: Any) -> M | None:
        """The first row for these values (never None: `= NULL` matches nothing, where the ORM
        would have compiled `IS NULL`)."""
        if None in values.values():
            raise ValueError("A compiled lookup takes no None.")
        model, db, sql, slots, names, converters = self._compiled or self._compile()
        params = [
            field.get_db_prep_value(values[name], connection) if name is not None else field
            for name, field in slots
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if converters:
            row = list(row)
            for i, functions, column in converters:
                for convert in functions:
                    row[i] = convert(row[i], column, connection)
        return model.from_db(db, names, row)


def _plain(model: type[Model]) -> None:
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        raise ValueError(f"{model.__name__} has save signal receivers: save it through the ORM.")


# by model: what follows the table's name in its INSERT, the fields it writes, its auto id
_inserts: dict[type[Model], tuple[str, list[Field], Field | None]] = {}


def _insert_statement(model: type[Model]) -> tuple[str, list[Field], Field | None]:
    _plain(model)  # every time: a receiver may be connected later
    statement = _inserts.get(model)
    if statement is None:
        meta = model._meta
        auto = meta.pk if isinstance(meta.pk, _AUTO) else None
        fields = [f for f in meta.local_concrete_fields if f is not auto and not f.generated]
        quote = connection.ops.quote_name
        # identifiers from the model's own metadata, quoted; values are parameters
        rest = " ({}) VALUES ({})".format(
            ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
        )
        if auto is not None:
            rest += f" RETURNING {quote(auto.column)}"
        statement = _inserts[model] = (rest, fields, auto)
    return statement


def _insert(obj: Model, table: str) -> tuple[str, list[Any], Field | None]:
    rest, fields, auto = _insert_statement(type(obj))
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    return f"INSERT INTO {table}{rest}", params, auto


def insert_sql(obj: Model, *, schema: str) -> tuple[str, list[Any]]:
    """The INSERT of `obj` into `schema`'s table (all its concrete fields, auto_now and defaults
    applied as save() applies them), for a statement sent later: named with its schema, it
    lands where it was written whatever the connection's search_path is by then."""
    quote = connection.ops.quote_name
    sql, params, _auto = _insert(obj, f"{quote(schema)}.{quote(obj._meta.db_table)}")
    return sql, params


def insert(obj: M, *, before: Sequence[tuple[str, Sequence[Any]]] = ()) -> M:
    """Save a new `obj` as `obj.save(force_insert=True)` would (without its signals), in one
    round trip together with the statements `before`, which run first; their results are not
    read. psycopg2 sends the statements as one query."""
    sql, params, auto = _insert(obj, connection.ops.quote_name(obj._meta.db_table))
    with connection.cursor() as cursor:
        execute_together(cursor, [*before, (sql, params)])
        if auto is not None:
            obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = DEFAULT_DB_ALIAS
    return obj


def update_sql(obj: Model, fields: Sequence[str]) -> tuple[str, list[Any]]:
    """The UPDATE of `obj.save(update_fields=fields)` (an auto_now field is set when listed, as
    save() sets it), for a caller that sends it with other statements: its row known to exist,
    locked by the transaction."""
    model = type(obj)
    _plain(model)
    meta = model._meta
    chosen = [cast(Field, meta.get_field(name)) for name in fields]
    key = (model, tuple(f.attname for f in chosen))
    sql = _updates.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        sql = _updates[key] = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
            quote(meta.db_table), ", ".join(f"{quote(f.column)} = %s" for f in chosen), quote(meta.pk.column)
        )
    params = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in chosen]
    params.append(meta.pk.get_db_prep_value(obj.pk, connection))
    return sql, params


def update(obj: Model, fields: Sequence[str]) -> None:
    """`obj.save(update_fields=fields)` (without its signals)."""
    with connection.cursor() as cursor:
        cursor.execute(*update_sql(obj, fields))
        if cursor.rowcount != 1:
            raise DatabaseError("Save with update_fields did not affect any rows.")


_updates: dict[tuple, str] = {}
