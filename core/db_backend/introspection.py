"""Listing one schema's tables through the namespace's dependencies, not a scan of pg_class.

Django lists tables with a scan of pg_class filtered by pg_table_is_visible(): every relation of
every tenant (about 140 per tenant), so each `migrate` of one schema, which asks whether
django_migrations exists, cost O(all tenants). Every table, view and sequence depends on its
schema in pg_depend, whose index on the referenced object finds exactly the schema's own.
"""

from django.db.backends.postgresql.introspection import TableInfo
from django_tenants.postgresql_backend.introspection import DatabaseSchemaIntrospection

_SCHEMA_TABLES = """
    SELECT
        c.relname,
        CASE WHEN c.relispartition THEN 'p' WHEN c.relkind IN ('m', 'v') THEN 'v' ELSE 't' END,
        obj_description(c.oid, 'pg_class')
    FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_class c ON c.oid = d.objid
    WHERE d.refclassid = 'pg_catalog.pg_namespace'::regclass
        AND d.refobjid = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = %s)
        AND d.classid = 'pg_catalog.pg_class'::regclass
        AND c.relkind IN ('f', 'm', 'p', 'r', 'v')
"""


class SchemaIntrospection(DatabaseSchemaIntrospection):
    def get_table_list(self, cursor):
        cursor.execute(_SCHEMA_TABLES, [self.connection.schema_name])
        return [TableInfo(*row) for row in cursor.fetchall() if row[0] not in self.ignored_tables]
