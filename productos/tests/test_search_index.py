"""The product search is served by its trigram indexes where PostgreSQL has pg_trgm."""

from decimal import Decimal
from importlib import import_module

from django.db import connection
from django_tenants.utils import schema_context

from productos.models import Categoria, Producto

migration = import_module("productos.migrations.0007_busqueda_sin_acentos")
ROWS = 5000


def test_a_search_uses_the_trigram_index_when_pg_trgm_is_there(fresh_tenant):
    """On a catalogue of its own, analysed, so that the plan depends on nothing another test left
    (a table of a few rows plans however its statistics happen to be): a selective search over
    thousands of products is what the index is for, and the planner takes it unforced."""
    schema = fresh_tenant.schema_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        has_trgm = cursor.fetchone() is not None
    with schema_context(schema):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND indexname LIKE 'producto_%%trgm'",
                [schema],
            )
            indexes = {row[0] for row in cursor.fetchall()}
        if not has_trgm:  # the embedded PostgreSQL: no index, the search still works (a scan)
            assert indexes == set()
            return
        assert indexes == set(migration.COLUMNS)
        categoria = Categoria.objects.create(nombre="Todo", slug="todo")
        Producto.objects.bulk_create(
            Producto(
                sku=f"SKU-{i}",
                nombre=f"Artículo número {i} de la serie {i % 97}",
                slug=f"articulo-{i}",
                precio=Decimal("1.00"),
                categoria=categoria,
            )
            for i in range(ROWS)
        )
        Producto.objects.create(
            sku="RAT-1", nombre="Ratón inalámbrico", slug="raton", precio=Decimal("9.90"), categoria=categoria
        )
        query = Producto.objects.filter(nombre__sin_acentos="RATÓN").order_by().only("pk")
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            # as autovacuum leaves a table: statistics, and GIN's pending list merged into the index
            cursor.execute("VACUUM ANALYZE productos_producto")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert [p.nombre for p in query] == ["Ratón inalámbrico"]
    assert "producto_nombre_sa_trgm" in plan, plan
