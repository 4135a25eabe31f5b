import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from core.models import Tenant
from productos.services.importacion import productos_importar, read_file


class Command(BaseCommand):
    help = (
        "Importa productos de un CSV o JSON en un tenant: actualiza por SKU, crea las categorías y "
        "proveedores que falten, informa de las filas inválidas y guarda las válidas."
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
            sys.stderr.write(f"\r{done}/{total} productos ({done * 100 // max(total, 1)}%)")
            sys.stderr.flush()

        with schema_context(opts["tenant"]):
            result = productos_importar(
                rows=rows, explicit=explicit, dry_run=opts["dry_run"], progress=progress
            )
        sys.stderr.write("\n")
        for line, errors in result.failed:
            detail = "; ".join(f"{f}: {m}" for f, m in errors.items())
            self.stdout.write(f"línea {line}: {detail}")
        prefix = "[simulación] " if opts["dry_run"] else ""
        self.stdout.write(
            f"{prefix}creados: {result.created}, actualizados: {result.updated}, fallidos: {len(result.failed)} "
            f"(categorías nuevas: {result.categorias_creadas}, proveedores nuevos: {result.proveedores_creados})"
        )
