"""Trigram indexes for the accent-insensitive product `search` (core.search: `col ~* pattern`),
in place of the UPPER(col) ones the LIKE search used, when pg_trgm exists."""

from django.db import migrations

COLUMNS = {
    "producto_nombre_sa_trgm": "nombre",
    "producto_sku_sa_trgm": "sku",
    "producto_descripcion_sa_trgm": "descripcion",
}
OLD = ["producto_nombre_trgm", "producto_sku_trgm", "producto_descripcion_trgm"]

CREATE = "\n".join(
    f"    CREATE INDEX IF NOT EXISTS {name} ON productos_producto USING gin ({col} gin_trgm_ops);"
    for name, col in COLUMNS.items()
)
DROP_OLD = "\n".join(f"  DROP INDEX IF EXISTS {name};" for name in OLD)
SQL = f"""
DO $$ BEGIN
{DROP_OLD}
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
{CREATE}
  END IF;
END $$;
"""
REVERSE = [f"DROP INDEX IF EXISTS {name}" for name in COLUMNS]


class Migration(migrations.Migration):
    dependencies = [("productos", "0006_etiquetas")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
