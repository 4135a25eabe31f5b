from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError, InvalidError
from core.models import Tenant
from core.tenancy.selectors import tenant_placements
from core.tenancy.services import tenant_move


class Command(BaseCommand):
    help = (
        "Mueve un tenant a otro nodo del cluster de Citus mientras sigue en servicio "
        "(citus_schema_move con replicación lógica); sin --nodo muestra dónde está."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True, help="el schema del tenant")
        parser.add_argument("--nodo", help="el nodo de destino, host:puerto (uno de los workers del cluster)")

    def handle(self, *args, **opts):
        schema = opts["schema"]
        tenant = Tenant.objects.filter(schema_name=schema).first()
        if tenant is None:
            raise CommandError(f"No existe el tenant '{schema}'.")
        if opts["nodo"]:
            try:
                tenant_move(tenant=tenant, nodo=opts["nodo"])
            except InvalidError as exc:
                raise CommandError("; ".join(str(m) for m in exc.details.get("nodo", [exc.message]))) from exc
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
        where = tenant_placements(schemas=[schema]).get(schema, "—")
        self.stdout.write(f"{schema}: {where}")
