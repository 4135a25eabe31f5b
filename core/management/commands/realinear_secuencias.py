from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from core.models import Tenant
from core.tenancy.sequences import sequences_realign


class Command(BaseCommand):
    help = "Pone las secuencias de ids de las tablas de un tenant por encima de su id más alto."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="schema del tenant")

    def handle(self, *args, **opts):
        if not Tenant.objects.filter(schema_name=opts["tenant"]).exists():
            raise CommandError(f"No existe el tenant '{opts['tenant']}'.")
        with schema_context(opts["tenant"]):
            count = sequences_realign()
        self.stdout.write(f"{count} secuencias realineadas en '{opts['tenant']}'.")
