"""Trigram indexes for the product `search` (UPPER(col) LIKE UPPER('%q%')), when pg_trgm exists."""

from django.db import migrations

INDEXES = {
    "producto_nombre_trgm": "nombre",
    "producto_sku_trgm": "sku",
    "producto_descripcion_trgm": "descripcion",
}

CREATE = "\n".join(
    f"    CREATE INDEX IF NOT EXISTS {name} ON productos_producto USING gin (UPPER({col}) gin_trgm_ops);"
    for name, col in INDEXES.items()
)
SQL = f"""
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
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
