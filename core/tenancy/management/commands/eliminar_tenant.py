from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError, InvalidError
from core.management.messages import plain_details
from core.models import Tenant
from core.tenancy.deletion import tenant_delete


class Command(BaseCommand):
    help = "Elimina un tenant: guarda una copia final, borra su schema y libera su nombre."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True, help="schema del tenant que se elimina")
        parser.add_argument("--confirm", help="el nombre del schema otra vez (si no, se pregunta)")

    def handle(self, *args, **opts):
        schema = opts["schema"]
        tenant = Tenant.objects.filter(schema_name=schema).first()
        if tenant is None:
            raise CommandError(f"No existe el tenant '{schema}'.")
        confirm = opts["confirm"]
        if confirm is None:
            confirm = input(
                f"Esto elimina '{schema}' y todos sus datos. Escribe '{schema}' para seguir: "
            ).strip()
        try:
            gone = tenant_delete(tenant=tenant, confirm=confirm)
        except InvalidError as exc:
            raise CommandError(f"Datos no válidos:\n{plain_details(exc.details)}") from exc
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Tenant '{schema}' eliminado; copia final en {gone.backup_path} ({gone.backup_size} bytes)."
            )
        )
