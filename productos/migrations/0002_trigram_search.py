"""Trigram indexes for the product `search` (UPPER(col) LIKE UPPER('%q%')), when pg_trgm exists."""

from django.db import migrations

INDEXES = {
    "producto_nombre_trgm": "nombre",
    "producto_sku_trgm": "sku",
    "producto_descripcion_trgm": "descripcion",
}

CREATE = "\n".join(
    f"    EXECUTE format('CREATE INDEX IF NOT EXISTS {name} ON productos_producto "
    f"USING gin (UPPER({col}) %s.gin_trgm_ops)', ext);"
    for name, col in INDEXES.items()
)
SQL = f"""
DO $$ DECLARE ext text; BEGIN
  -- the operator class is named with the extension's schema: a tenant's search_path is its own
  -- schema alone (core.db_backend)
  SELECT extnamespace::regnamespace::text INTO ext FROM pg_extension WHERE extname = 'pg_trgm';
  IF ext IS NOT NULL THEN
{CREATE}
  END IF;
END $$;
"""
REVERSE = "\n".join(f"DROP INDEX IF EXISTS {name};" for name in INDEXES)


class Migration(migrations.Migration):
    dependencies = [("productos", "0001_initial")]
    operations = [
        migrations.RunSQL(SQL, REVERSE),
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS pedido_numero_seq", "DROP SEQUENCE IF EXISTS pedido_numero_seq"
        ),
    ]
