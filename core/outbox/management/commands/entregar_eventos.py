import time

from django.core.management.base import BaseCommand

from core.outbox.services import eventos_entregar_todos


class Command(BaseCommand):
    help = "Entrega los eventos pendientes de todos los tenants (una vez, o en bucle con --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=15.0)

    def handle(self, *args, **opts):
        while True:
            delivered = eventos_entregar_todos()
            self.stdout.write(f"{delivered} eventos entregados.")
            if not opts["loop"]:
                return
            time.sleep(opts["interval"])
