"""pg_trgm in the public schema, where every tenant's search_path finds it (if the server has it)."""

from django.db import migrations

SQL = """
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
    CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
  END IF;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunSQL(SQL, migrations.RunSQL.noop)]
