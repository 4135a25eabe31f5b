"""Migrations of tenant apps must run on Citus distributed schemas, where tenants live on a
cluster: Citus refuses changing or adding identity columns and renaming constraints or indexes
on distributed tables, so no tenant migration may do either (this test refuses it when it is
written, not when a deploy meets it on the cluster)."""

import re

from django.apps import apps
from django.conf import settings
from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.models.fields import AutoFieldMixin

# simplejwt's own change of its ids to bigint: in this product from its first release, so it
# only ever runs on the template (a local schema) before a tenant exists, never on a tenant
BEFORE_ANY_TENANT = {
    ("token_blacklist", "0008_migrate_to_bigautofield"),
    ("token_blacklist", "0010_fix_migrate_to_bigautofield"),
}


def _refused(operation) -> str | None:
    if isinstance(operation, migrations.SeparateDatabaseAndState):
        return next(filter(None, map(_refused, operation.database_operations)), None)
    if isinstance(operation, migrations.AlterField | migrations.AddField) and isinstance(
        operation.field, AutoFieldMixin
    ):
        return "an identity column added or changed"
    if isinstance(operation, migrations.RenameIndex):
        return "an index renamed"
    if isinstance(operation, migrations.RunSQL):
        statements = operation.sql if isinstance(operation.sql, list | tuple) else [operation.sql]
        text = " ".join(str(sql) for sql in statements).upper()
        if "RENAME CONSTRAINT" in text or "IDENTITY" in text or "RENAME INDEX" in text:
            return "SQL that renames a constraint or touches an identity"
        # Citus sends a statement on a distributed table to its worker as one prepared statement
        if any(re.search(r";\s*\S", re.sub(r"\$\$.*?\$\$", "", str(sql), flags=re.S)) for sql in statements):
            return "several statements in one SQL string (give RunSQL a list)"
    return None


def test_no_tenant_migration_does_what_citus_refuses_on_distributed_schemas():
    tenant_labels = {config.label for config in apps.get_app_configs() if config.name in settings.TENANT_APPS}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    refused = [
        f"{app}.{name}: {reason}"
        for (app, name), migration in loader.disk_migrations.items()
        if app in tenant_labels and (app, name) not in BEFORE_ANY_TENANT
        for operation in migration.operations
        if (reason := _refused(operation))
    ]
    assert loader.disk_migrations and not refused, refused


def test_the_check_recognises_what_citus_refuses():
    from django.db import models

    assert _refused(migrations.AlterField("ticket", "id", models.BigAutoField(primary_key=True)))
    assert _refused(migrations.RenameIndex("ticket", new_name="a", old_name="b"))
    assert _refused(migrations.RunSQL("ALTER TABLE t RENAME CONSTRAINT a TO b"))
    assert _refused(migrations.RunSQL("ALTER TABLE t ADD COLUMN a int; CREATE INDEX i ON t (a)"))
    assert not _refused(
        migrations.RunSQL(["ALTER TABLE t ADD COLUMN a int", "DO $$ BEGIN PERFORM 1; END $$;"])
    )
    assert not _refused(migrations.AddField("ticket", "nota", models.TextField(null=True)))
