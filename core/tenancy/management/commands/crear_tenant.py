import getpass
import os
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError, InvalidError
from core.management.messages import plain_details
from core.tenancy.services import tenant_create

PASSWORD_ENV = "ADMIN_PASSWORD"


class Command(BaseCommand):
    help = (
        "Crea un tenant: su schema, su dominio opcional y su primer administrador. La contraseña "
        f"del administrador se lee de --admin-password, de la variable {PASSWORD_ENV} o, en una "
        "terminal, se pide dos veces."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True, help="nombre del schema (minúsculas, dígitos y _)")
        parser.add_argument("--nombre", required=True, help="nombre visible de la organización")
        parser.add_argument("--dominio", help="dominio del tenant para el admin (p. ej. acme.example.com)")
        parser.add_argument("--admin-email", required=True, help="email del primer administrador")
        parser.add_argument(
            "--admin-password",
            help=f"su contraseña (mejor sin ella, que queda en el historial: {PASSWORD_ENV} o la pregunta)",
        )
        parser.add_argument("--admin-nombre", default="Administrador", help="su nombre (Administrador)")
        parser.add_argument("--admin-apellido", default="", help="su apellido")

    def _password(self, given: str | None) -> str:
        if given:
            return given
        if os.environ.get(PASSWORD_ENV):
            return os.environ[PASSWORD_ENV]
        if not sys.stdin.isatty():
            raise CommandError(f"Falta la contraseña: --admin-password o la variable {PASSWORD_ENV}.")
        first = getpass.getpass("Contraseña del administrador: ")
        if getpass.getpass("Repítela: ") != first:
            raise CommandError("Las contraseñas no coinciden.")
        return first

    def handle(self, *args, **opts):
        started = time.perf_counter()
        try:
            tenant = tenant_create(
                schema_name=opts["schema"],
                nombre=opts["nombre"],
                dominio=opts.get("dominio"),
                admin={
                    "email": opts["admin_email"],
                    "password": self._password(opts["admin_password"]),
                    "nombre": opts["admin_nombre"],
                    "apellido": opts["admin_apellido"],
                },
            )
        except InvalidError as exc:
            raise CommandError(f"Datos no válidos:\n{plain_details(exc.details)}") from exc
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Tenant '{tenant.schema_name}' creado en {elapsed:.2f} s."))
