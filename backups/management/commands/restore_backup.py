from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context
from rest_framework.exceptions import APIException

from backups import services
from core.models import Tenant


class Command(BaseCommand):
    help = "Restaura un tenant desde una de sus copias (hace antes una copia de seguridad)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True)
        parser.add_argument("--backup", type=int, required=True, help="id de la copia")
        parser.add_argument("--yes", action="store_true", help="no preguntar")

    def handle(self, *args, **opts):
        schema = opts["tenant"]
        if not Tenant.objects.filter(schema_name=schema).exists():
            raise CommandError(f"No existe el tenant '{schema}'.")
        if not opts["yes"]:
            answer = input(f"Esto reemplaza TODOS los datos de '{schema}'. Escribe '{schema}' para seguir: ")
            if answer.strip() != schema:
                raise CommandError("Cancelado.")
        try:
            with schema_context(schema):
                result = services.backup_restore(record_id=opts["backup"], actor=None, confirm=schema)
        except APIException as exc:
            raise CommandError(str(exc.detail)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"'{schema}' restaurado; copia de seguridad previa: {result['safety_backup_id']}."
            )
        )
