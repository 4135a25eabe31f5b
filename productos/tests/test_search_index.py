"""The product search is served by its trigram indexes where PostgreSQL has pg_trgm."""

from importlib import import_module

from django.db import connection
from django_tenants.utils import schema_context

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
        cursor.execute("SET enable_seqscan = off")  # a test table is small: the planner would scan it
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
    assert "producto_nombre_sa_trgm" in plan, plan
