from django.conf import settings
from django.core.management.base import BaseCommand
from django_tenants.utils import get_public_schema_name

from core.models import Tenant
from core.tenancy.services import align_constraint_names


class Command(BaseCommand):
    help = (
        "Una vez, para tenants creados con clone_schema() de django-tenants: da a sus restricciones "
        "los nombres de la plantilla (los que el código y las migraciones esperan)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", action="append", help="solo este schema (repetible)")

    def handle(self, *args, **opts):
        schemas = opts["tenant"] or list(
            Tenant.objects.exclude(schema_name=get_public_schema_name()).values_list("schema_name", flat=True)
        )
        for schema in schemas:
            align_constraint_names(settings.TENANT_BASE_SCHEMA, schema)
            self.stdout.write(f"{schema}: listo")
