import time

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError, InvalidError
from core.tenancy.services import tenant_create


class Command(BaseCommand):
    help = "Crea un tenant: su schema, su dominio opcional y su primer administrador."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument("--nombre", required=True)
        parser.add_argument("--dominio")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-password", required=True)
        parser.add_argument("--admin-nombre", default="Administrador")
        parser.add_argument("--admin-apellido", default="")

    def handle(self, *args, **opts):
        started = time.perf_counter()
        try:
            tenant = tenant_create(
                schema_name=opts["schema"],
                nombre=opts["nombre"],
                dominio=opts.get("dominio"),
                admin={
                    "email": opts["admin_email"],
                    "password": opts["admin_password"],
                    "nombre": opts["admin_nombre"],
                    "apellido": opts["admin_apellido"],
                },
            )
        except InvalidError as exc:
            raise CommandError(f"Datos no válidos: {exc.details}") from exc
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Tenant '{tenant.schema_name}' creado en {elapsed:.2f} s."))
