"""`migrate` = django-tenants' migrate_schemas, then the tenant template schema is brought up
to date too, so that new tenants cloned from it start fully migrated."""

from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from core.tenancy.services import tenant_template_sync


class Command(MigrateSchemasCommand):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        whole_run = not (options.get("app_label") or options.get("schema_name"))
        if self.sync_tenant and whole_run:
            tenant_template_sync(verbosity=options.get("verbosity", 1))
