"""A nullable column and an index on a tenant table, as a real release adds them. Each schema it
runs in writes one row to `public.rollout_registro` (when that table exists), committed with the
migration, so a test can count how many times each schema was migrated; the setting
`rollout.pause` (PGOPTIONS="-c rollout.pause=0.3") makes each schema's migration last that long."""

from django.db import migrations

# one statement each: Citus sends a statement on a distributed table to its worker as one
# prepared statement, which cannot hold several
FORWARD = [
    "ALTER TABLE tickets_ticket ADD COLUMN nota_rollout text NULL",
    "CREATE INDEX ticket_nota_rollout_idx ON tickets_ticket (nota_rollout)",
    """
DO $$
BEGIN
    IF to_regclass('public.rollout_registro') IS NOT NULL THEN
        INSERT INTO public.rollout_registro (schema_name) VALUES (current_schema());
        PERFORM pg_sleep(coalesce(nullif(current_setting('rollout.pause', true), ''), '0')::float);
    END IF;
END $$;
""",
]

BACKWARD = [
    "DROP INDEX IF EXISTS ticket_nota_rollout_idx",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS nota_rollout",
]


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_restricciones_con_nombre")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
