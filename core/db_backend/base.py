"""django-tenants' PostgreSQL backend, with connections that do not grow without bound and
table listings that cost one schema (introspection.py), and no `SET search_path` when the path
in effect is already the one wanted.

A PostgreSQL backend keeps a relation cache entry for every table it has opened, in every schema
(about 0.5 MB per tenant touched was measured) and frees none of it while the connection lives.
A persistent connection serving every tenant in turn would grow with the number of tenants, so
a connection that has used more than DB_MAX_SCHEMAS_PER_CONNECTION schemas is closed when its
request ends (Django's own close_if_unusable_or_obsolete, at request start and end), and the next
request opens a fresh one.
"""

from django.conf import settings
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper

from core.db_backend.introspection import SchemaIntrospection


class DatabaseWrapper(TenantDatabaseWrapper):
    def __init__(self, *args, **kwargs):
        self.schemas_used: set[str] = set()
        # the search_path this session has now, as this wrapper last set it (None: unknown)
        self.search_path_in_effect: list[str] | None = None
        super().__init__(*args, **kwargs)
        self.introspection = SchemaIntrospection(self)

    def connect(self):
        super().connect()
        self.schemas_used = set()
        self.search_path_in_effect = None

    def set_tenant(self, tenant, include_public=True):
        """django-tenants forgets the path it set whenever a tenant is chosen, so every request
        began with a `SET search_path` round trip, most often to the path already in effect
        (the middleware chooses public, then the tenant). A path still in effect is kept."""
        super().set_tenant(tenant, include_public)
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

    def close(self):
        self.search_path_in_effect = None
        super().close()

    def rollback(self):
        self.search_path_in_effect = None  # a SET in the rolled-back transaction is undone
        super().rollback()

    def savepoint_rollback(self, sid):
        self.search_path_in_effect = None
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
