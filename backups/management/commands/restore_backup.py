from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from backups import services
from core.errors import DomainError
from core.models import Tenant


class Command(BaseCommand):
    help = "Restaura un tenant desde una de sus copias (hace antes una copia de seguridad)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="schema del tenant que se restaura")
        parser.add_argument("--backup", type=int, required=True, help="id de la copia")
        parser.add_argument("--yes", action="store_true", help="no preguntar")
        parser.add_argument(
            "--restaurar-seguridad",
            action="store_true",
            help="devolver a los usuarios el estado, rol y contraseña que tenían en la copia",
        )

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
                result = services.backup_restore(
                    record_id=opts["backup"],
                    actor=None,
                    confirm=schema,
                    restaurar_seguridad=opts["restaurar_seguridad"],
                )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        kept = ", ".join(u["email"] for u in result["usuarios_conservados"]) or "ninguno"
        self.stdout.write(
            self.style.SUCCESS(
                f"'{schema}' restaurado; copia de seguridad previa: {result['safety_backup_id']}; "
                f"sesiones cerradas: {result['sesiones_cerradas']}; "
                f"usuarios con su estado actual conservado: {kept}."
            )
        )
