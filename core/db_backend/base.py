"""django-tenants' PostgreSQL backend, with connections that do not grow without bound and
table listings that cost one schema (introspection.py), no `SET search_path` when the path in
effect is already the one wanted, and bookkeeping writes sent with the transaction's last round
trip before COMMIT (`before_commit`).

A PostgreSQL backend keeps a relation cache entry for every table it has opened, in every schema
(about 0.5 MB per tenant touched was measured) and frees none of it while the connection lives.
A persistent connection serving every tenant in turn would grow with the number of tenants, so
a connection that has used more than DB_MAX_SCHEMAS_PER_CONNECTION schemas is closed when its
request ends (Django's own close_if_unusable_or_obsolete, at request start and end), and the next
request opens a fresh one.
"""

from collections.abc import Callable, Sequence
from typing import Any

import psycopg2
from django.conf import settings
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.utils import get_public_schema_name

from core.db_backend.introspection import SchemaIntrospection


def execute_together(cursor, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
    """Several statements in one round trip: psycopg2 sends them as one query (the cursor then
    holds the last one's rows)."""
    cursor.execute(
        "; ".join(sql for sql, _p in statements), [p for _sql, params in statements for p in params]
    )


class DatabaseWrapper(TenantDatabaseWrapper):
    def __init__(self, *args, **kwargs):
        self.schemas_used: set[str] = set()
        # the search_path this session has now, as this wrapper last set it (None: unknown)
        self.search_path_in_effect: list[str] | None = None
        # (savepoints active when queued, sql, params, what to call with its first row)
        self.run_before_commit: list[tuple[set, str, Sequence[Any], Callable | None]] = []
        super().__init__(*args, **kwargs)
        self.introspection = SchemaIntrospection(self)

    def connect(self):
        super().connect()
        self.schemas_used = set()
        self.search_path_in_effect = None

    def set_tenant(self, tenant, include_public=True):
        """A tenant's search_path is its own schema and nothing else (`include_public` is
        honoured for the public schema only). With `tenant, public`, PostgreSQL skips a schema
        that does not exist: a request racing the tenant's deletion (or holding a stale lookup)
        would read and write the public tables that share a name with tenant tables (the
        platform's users). Without the fallback it fails instead, and is answered 404
        (core.tenancy.middleware). Shared tables are always read in the public schema.

        django-tenants forgets the path it set whenever a tenant is chosen, so every request
        began with a `SET search_path` round trip, most often to the path already in effect
        (the middleware chooses public, then the tenant). A path still in effect is kept."""
        super().set_tenant(tenant, include_public and tenant.schema_name == get_public_schema_name())
        if (
            self.search_path_in_effect is not None
            and self.search_path_in_effect == self._get_cursor_search_paths()
        ):
            self.search_path_set_schemas = self.search_path_in_effect

    def _handle_search_path(self, cursor=None):
        super()._handle_search_path(cursor)
        if not self._setting_search_path:
            self.search_path_in_effect = self.search_path_set_schemas

    def forget_search_path(self) -> None:
        """Call after SQL of one's own changed the session's search_path (a dump replayed)."""
        self.search_path_set_schemas = None
        self.search_path_in_effect = None

    def before_commit(self, sql: str, params: Sequence[Any], then: Callable[[Any], None] | None = None):
        """Run `sql` in the current transaction, together with the others queued so, in one
        round trip just before COMMIT; `then` gets its first row once the COMMIT succeeded.
        Outside a transaction it runs now. For writes nobody reads back before the commit
        (events, marks, cache versions): a failure surfaces at the commit, and rolls all back.
        As on_commit() callbacks are, statements queued in a savepoint rolled back are dropped."""
        if not self.in_atomic_block:
            with self.cursor() as cursor:
                cursor.execute(sql, params)
                row = cursor.fetchone() if then is not None else None
            if then is not None:
                then(row)
            return
        self.run_before_commit.append((set(self.savepoint_ids), sql, params, then))

    def first_statement(self, sql: str, params: Sequence[Any]) -> tuple | None:
        """Run `sql` (which needs no search_path) and return its first row, standing in for
        Django's health check when it is the request's first statement: that check costs a
        `SELECT 1` round trip before the first query of every request. A connection found dead
        by `sql` itself is closed and `sql` runs again on a new one, as after a failed check."""
        if (
            self.connection is not None
            and self.health_check_enabled
            and not getattr(self, "health_check_done", False)
            and not self.in_atomic_block
        ):
            try:
                with self.connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    row = cursor.fetchone()
            except psycopg2.Error:
                self.close()
            else:
                self.health_check_done = True
                return row
        with self.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    def _commit(self):
        pending, self.run_before_commit = self.run_before_commit, []
        done = []
        if pending and self.connection is not None:
            plain = [(sql, params) for _sids, sql, params, then in pending if then is None]
            wanting = [((sql, params), then) for _sids, sql, params, then in pending if then is not None]
            # psycopg2 returns the rows of the last statement only: the first that wants its row
            # goes last in the one round trip, any further one in a round trip of its own
            groups = [(plain, None)]
            if wanting:
                groups = [([*plain, wanting[0][0]], wanting[0][1])] + [
                    ([st], then) for st, then in wanting[1:]
                ]
            with self.cursor() as cursor:
                for statements, then in groups:
                    execute_together(cursor, statements)
                    if then is not None:
                        done.append((then, cursor.fetchone()))
        super()._commit()
        for then, row in done:
            then(row)

    def close(self):
        self.search_path_in_effect = None
        self.run_before_commit = []
        super().close()

    def rollback(self):
        self.search_path_in_effect = None  # a SET in the rolled-back transaction is undone
        self.run_before_commit = []
        super().rollback()

    def savepoint_rollback(self, sid):
        self.search_path_in_effect = None
        self.run_before_commit = [entry for entry in self.run_before_commit if sid not in entry[0]]
        super().savepoint_rollback(sid)

    def _cursor(self, name=None):
        cursor = super()._cursor(name)
        self.schemas_used.add(self.schema_name)
        return cursor

    def close_if_unusable_or_obsolete(self):
        super().close_if_unusable_or_obsolete()
        limit = settings.DB_MAX_SCHEMAS_PER_CONNECTION
        if (
            self.connection is not None
            and limit
            and len(self.schemas_used) > limit
            and not self.in_atomic_block
        ):
            self.close()
