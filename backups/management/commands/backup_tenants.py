import time

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name, schema_context

from backups import services
from backups.models import TipoBackup
from core.models import Tenant


class Command(BaseCommand):
    help = "Hace copia de seguridad de los tenants activos (o de los indicados con --tenant)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", action="append", dest="tenants", help="schema (repetible)")
        parser.add_argument(
            "--type",
            choices=[TipoBackup.MANUAL, TipoBackup.AUTOMATIC],
            default=TipoBackup.MANUAL,
            help="tipo de copia (manual); las automáticas siguen la retención de cada tenant",
        )

    def handle(self, *args, **opts):
        tenants = Tenant.objects.exclude(schema_name=get_public_schema_name()).order_by("schema_name")
        if opts["tenants"]:
            missing = set(opts["tenants"]) - set(
                tenants.filter(schema_name__in=opts["tenants"]).values_list("schema_name", flat=True)
            )
            if missing:
                raise CommandError(f"No existen: {', '.join(sorted(missing))}")
            tenants = tenants.filter(schema_name__in=opts["tenants"])
        else:
            tenants = tenants.filter(activo=True)
        schemas = list(tenants.values_list("schema_name", flat=True))
        failed = []
        for index, schema in enumerate(schemas, start=1):
            started = time.perf_counter()
            try:
                with schema_context(schema):
                    record, _ = services.backup_create(backup_type=opts["type"], allow_async=False)
                    if opts["type"] == TipoBackup.AUTOMATIC:
                        services.backup_apply_retention()
                self.stdout.write(
                    f"[{index}/{len(schemas)}] {schema}: {record.file_name} "
                    f"({record.file_size / 1048576:.2f} MB, {time.perf_counter() - started:.1f} s)"
                )
            except Exception as exc:  # noqa: BLE001  one tenant's failure, whatever it is, does not stop the others
                failed.append(schema)
                self.stderr.write(f"[{index}/{len(schemas)}] {schema}: FALLÓ: {exc}")
        self.stdout.write(f"{len(schemas) - len(failed)} correctas, {len(failed)} fallidas.")
        if failed:
            raise CommandError(f"Fallaron: {', '.join(failed)}")
