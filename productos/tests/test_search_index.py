"""The product search is served by its trigram indexes where PostgreSQL has pg_trgm."""

from importlib import import_module

from django.db import connection, transaction
from django_tenants.utils import schema_context

from core.citus import citus_active
from productos.models import Producto

migration = import_module("productos.migrations.0007_busqueda_sin_acentos")


def test_a_search_uses_the_trigram_index_when_pg_trgm_is_there(tenant_a):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        has_trgm = cursor.fetchone() is not None
    with schema_context(tenant_a.schema_name), connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND indexname LIKE 'producto_%%trgm'",
            [tenant_a.schema_name],
        )
        indexes = {row[0] for row in cursor.fetchall()}
        if not has_trgm:  # the embedded PostgreSQL: no index, the search still works (a scan)
            assert indexes == set()
            return
        assert indexes == set(migration.COLUMNS)
        query = Producto.objects.filter(nombre__sin_acentos="RATÓN").only("pk")
        sql, params = query.query.sql_with_params()
        with transaction.atomic():
            if citus_active(cursor):  # the plan is the worker's: the setting must reach it
                cursor.execute("SET LOCAL citus.propagate_set_commands TO 'local'")
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is small: it would be scanned
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "producto_nombre_sa_trgm" in plan, plan
