from django.core.management.base import BaseCommand, CommandError

from core.management.commands.migrate import tenants_rollout
from core.tenancy import rollout
from core.tenancy.services import tenant_template_sync


class Command(BaseCommand):
    help = (
        "Migra la plantilla y luego solo los tenants que están por detrás de ella, con varios procesos; "
        "con --status muestra en qué punto está cada uno sin cambiar nada."
    )

    def add_arguments(self, parser):
        parser.add_argument("--status", action="store_true", help="mostrar el estado y no migrar nada")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="procesos que migran a la vez (por defecto MIGRATE_WORKERS)",
        )

    def handle(self, *args, **opts):
        if opts["status"]:
            status = rollout.migration_status()
            self.stdout.write(f"Nivel de la plantilla: {status['nivel'][:12]}")
            self.stdout.write(f"Tenants: {status['tenants']}, al día: {status['al_dia']}")
            pending = status["pendientes"]
            self.stdout.write(
                f"Pendientes: {len(pending)}" + (f" ({', '.join(pending[:20])})" if pending else "")
            )
            for schema, error in status["fallidos"].items():
                self.stdout.write(f"Fallido: {schema}: {error}")
            return
        tenant_template_sync(verbosity=opts["verbosity"])
        failed = tenants_rollout(self, workers=opts["workers"], verbosity=opts["verbosity"])
        if failed:
            raise CommandError(f"{len(failed)} tenant(s) no se migraron: {', '.join(failed[:20])}")
        self.stdout.write("Todos los tenants están al día.")
