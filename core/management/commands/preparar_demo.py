"""Creates (once) the demo tenant and a platform operator, and prints how to log in."""

import json
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.utils import schema_context

from core.models import Tenant
from core.tenancy.services import tenant_create
from usuarios.models import Rol, Usuario
from usuarios.services import usuario_create

DEMO_SCHEMA = "demo"
DEMO_DOMAIN = "demo.localhost"


def _credentials() -> dict:
    path = settings.DATA_DIR / "demo_credentials.json"
    if path.exists():
        return json.loads(path.read_text())
    creds = {
        "admin": {"email": "admin@demo.localhost", "password": secrets.token_urlsafe(12)},
        "operador": {"email": "operador@localhost", "password": secrets.token_urlsafe(12)},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(creds, indent=2))
    path.chmod(0o600)
    return creds


class Command(BaseCommand):
    help = "Crea el tenant de demostración 'demo' (demo.localhost) y un operador de plataforma."

    def add_arguments(self, parser):
        parser.add_argument(
            "--port", default="8000", help="puerto del servidor, para las direcciones que se imprimen (8000)"
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
        else:
            with schema_context(DEMO_SCHEMA):
                if not Usuario.objects.filter(email=creds["admin"]["email"]).exists():
                    usuario_create(nombre="Admin", rol=Rol.ADMIN, **creds["admin"])
        port = opts["port"]
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "Tenant de demostración 'demo' listo.",
                    f"  API:    http://127.0.0.1:{port}/api/  (cabecera X-Tenant-ID: demo)",
                    f"  Admin:  http://{DEMO_DOMAIN}:{port}/admin/",
                    f"          {creds['admin']['email']} / {creds['admin']['password']}",
                    f"  Plataforma: http://localhost:{port}/admin/",
                    f"          {creds['operador']['email']} / {creds['operador']['password']}",
                    f"  Docs:   http://127.0.0.1:{port}/api/docs/",
                    "  (contraseñas guardadas en .data/demo_credentials.json)",
                    "",
                ]
            )
        )
