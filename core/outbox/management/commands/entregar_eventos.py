import signal
import threading

from django.core.management.base import BaseCommand
from django.utils import timezone

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
        stop = threading.Event()
        if opts["loop"]:
            # Ctrl-C or a service manager's TERM: the pass under way finishes, then it stops
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
        while True:
            delivered = eventos_entregar_todos(todos=opts["todos"])
            stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S") if opts["loop"] else ""
            self.stdout.write(f"{stamp} {delivered} eventos entregados.".strip())
            if not opts["loop"] or stop.wait(opts["interval"]):
                break
        if opts["loop"]:
            self.stdout.write("Detenido.")
