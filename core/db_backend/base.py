"""django-tenants' PostgreSQL backend, with connections that do not grow without bound and
table listings that cost one schema (introspection.py).

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
        super().__init__(*args, **kwargs)
        self.introspection = SchemaIntrospection(self)

    def connect(self):
        super().connect()
        self.schemas_used = set()

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
