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
    f"    EXECUTE format('CREATE INDEX IF NOT EXISTS {name} ON productos_producto "
    f"USING gin ({col} %s.gin_trgm_ops)', ext);"
    for name, col in COLUMNS.items()
)
DROP_OLD = "\n".join(f"  DROP INDEX IF EXISTS {name};" for name in OLD)
SQL = f"""
DO $$ DECLARE ext text; BEGIN
  -- the operator class is named with the extension's schema: a tenant's search_path is its own
  -- schema alone (core.db_backend)
  SELECT extnamespace::regnamespace::text INTO ext FROM pg_extension WHERE extname = 'pg_trgm';
{DROP_OLD}
  IF ext IS NOT NULL THEN
{CREATE}
  END IF;
END $$;
"""
REVERSE = [f"DROP INDEX IF EXISTS {name}" for name in COLUMNS]


class Migration(migrations.Migration):
    dependencies = [("productos", "0006_etiquetas")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
