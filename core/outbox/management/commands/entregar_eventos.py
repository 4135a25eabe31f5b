import time

from django.core.management.base import BaseCommand

from core.outbox.services import eventos_entregar_todos


class Command(BaseCommand):
    help = "Entrega los eventos pendientes de los tenants que los tienen (una vez, o en bucle con --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="repetir cada --interval segundos")
        parser.add_argument("--interval", type=float, default=15.0, help="segundos entre pasadas con --loop")
        parser.add_argument(
            "--todos",
            action="store_true",
            help="visitar todos los tenants, no solo los marcados (una vez, al actualizar desde una versión anterior)",
        )

    def handle(self, *args, **opts):
        while True:
            delivered = eventos_entregar_todos(todos=opts["todos"])
            self.stdout.write(f"{delivered} eventos entregados.")
            if not opts["loop"]:
                return
            time.sleep(opts["interval"])
