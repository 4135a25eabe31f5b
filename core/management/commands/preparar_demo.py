"""Creates (once) the demo tenant with its data and a platform operator, and prints how to log in."""

import json
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.utils import schema_context

from core.demo import DemoLogins, demo_seed, demo_users
from core.models import Tenant
from core.tenancy.services import tenant_create
from usuarios.models import Rol, Usuario
from usuarios.services import usuario_create

DEMO_SCHEMA = "demo"
DEMO_DOMAIN = "demo.localhost"
LOGINS = {
    "admin": "admin@demo.localhost",
    "cliente": "cliente@demo.localhost",
    "soporte": "soporte@demo.localhost",
    "operador": "operador@localhost",
}


def _credentials() -> dict:
    """The demo's logins, kept in DATA_DIR so every run prints the same ones."""
    path = settings.DATA_DIR / "demo_credentials.json"
    creds = json.loads(path.read_text()) if path.exists() else {}
    missing = {k: v for k, v in LOGINS.items() if k not in creds}
    if missing:
        for key, email in missing.items():
            creds[key] = {"email": email, "password": secrets.token_urlsafe(12)}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(creds, indent=2))
        path.chmod(0o600)
    # the body of the README's first call (a login of the tenant admin): `curl ... -d @.data/demo_login.json`
    body = path.parent / "demo_login.json"
    body.write_text(json.dumps(creds["admin"]))
    body.chmod(0o600)
    return creds


class Command(BaseCommand):
    help = (
        "Crea el tenant de demostración 'demo' (demo.localhost) con datos de ejemplo y un operador "
        "de plataforma, e imprime los accesos. Se puede repetir: no duplica nada."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--port", default="8000", help="puerto del servidor, para las direcciones que se imprimen (8000)"
        )
        parser.add_argument(
            "--sin-datos",
            action="store_true",
            help="solo el tenant y sus usuarios, sin catálogo, tickets, pedidos ni copia de ejemplo",
        )

    def handle(self, *args, **opts):
        creds = _credentials()
        connection.set_schema_to_public()
        if not Usuario.objects.filter(email=creds["operador"]["email"]).exists():
            usuario_create(nombre="Operador", rol=Rol.ADMIN, **creds["operador"])
        if not Tenant.objects.filter(schema_name=DEMO_SCHEMA).exists():
            tenant_create(
                schema_name=DEMO_SCHEMA,
                nombre="Demo",
                dominio=DEMO_DOMAIN,
                admin={"nombre": "Admin", "apellido": "Demo", **creds["admin"]},
            )
        logins = DemoLogins(admin=creds["admin"], cliente=creds["cliente"], soporte=creds["soporte"])
        with schema_context(DEMO_SCHEMA):
            if opts["sin_datos"]:
                demo_users(logins)
            else:
                demo_seed(logins=logins)
        self.stdout.write(self._summary(creds, opts["port"]))

    @staticmethod
    def _summary(creds: dict, port: str) -> str:
        def login(key: str) -> str:
            return f"{creds[key]['email']} / {creds[key]['password']}"

        return "\n".join(
            [
                "",
                "Tenant de demostración 'demo' listo.",
                f"  API:    http://127.0.0.1:{port}/api/  (cabecera X-Tenant-ID: demo)",
                f"          cliente:  {login('cliente')}",
                f"          soporte:  {login('soporte')}",
                f"          admin:    {login('admin')}",
                f"  Admin:  http://{DEMO_DOMAIN}:{port}/admin/  (admin o soporte)",
                f"  Plataforma: http://localhost:{port}/admin/  {login('operador')}",
                f"  Docs:   http://127.0.0.1:{port}/api/docs/   esquema: openapi.yaml",
                "  (contraseñas guardadas en .data/demo_credentials.json)",
                "",
            ]
        )
