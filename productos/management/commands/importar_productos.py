from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from core.models import Tenant
from productos.services.importacion import productos_importar, read_file


class Command(BaseCommand):
    help = (
        "Importa productos de un CSV o JSON en un tenant: actualiza por SKU, crea las categorías y "
        "proveedores que falten, informa de las filas inválidas y guarda las válidas (sale con error "
        "si alguna falló). Un SKU que ya existe se actualiza solo con las columnas que trae."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="schema del tenant")
        parser.add_argument("archivo", type=Path, help="archivo CSV o JSON con los productos")
        parser.add_argument("--dry-run", action="store_true", help="valida y cuenta sin guardar nada")

    def handle(self, *args, **opts):
        if not Tenant.objects.filter(schema_name=opts["tenant"]).exists():
            raise CommandError(f"No existe el tenant '{opts['tenant']}'.")
        try:
            rows, explicit = read_file(opts["archivo"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"No se pudo leer {opts['archivo']}: {exc}") from exc

        def progress(done, total):
            self.stderr.write(f"\r{done}/{total} filas ({done * 100 // max(total, 1)}%)", ending="")
            self.stderr.flush()

        with schema_context(opts["tenant"]):
            result = productos_importar(
                rows=rows, explicit=explicit, dry_run=opts["dry_run"], progress=progress
            )
        self.stderr.write("")
        for line, errors in result.failed:
            detail = "; ".join(f"{f}: {m}" for f, m in errors.items())
            self.stdout.write(f"línea {line}: {detail}")
        prefix = "[simulación] " if opts["dry_run"] else ""
        self.stdout.write(
            f"{prefix}filas: {len(rows)}, creados: {result.created}, actualizados: {result.updated}, "
            f"fallidos: {len(result.failed)} "
            f"(categorías nuevas: {result.categorias_creadas}, proveedores nuevos: {result.proveedores_creados})"
        )
        if result.failed:
            lines = ", ".join(str(line) for line, _errors in result.failed[:50])
            more = "…" if len(result.failed) > 50 else ""
            # the valid rows were saved (or, with --dry-run, would be): the exit status says not all
            raise CommandError(f"{len(result.failed)} fila(s) con errores, en las líneas {lines}{more}")
