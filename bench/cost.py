"""Per-request cost of the ticket desk's requests: CPU ms per request of the server's workers.

The data is the desk's: 50 users, 10,000 tickets and 10,000 comments in the bench tenant. Each
scenario runs under the chosen server (SERVER) with 2 workers; the same requests are served as
the FastAPI desk this product replaces was measured (wrk -t2 -c8). CPU is the workers'
user+system time over the requests they answered: steadier than req/s on a shared machine.
The floor rows are a hello world under that server and under uvicorn (the FastAPI desk's).
"""

from __future__ import annotations

import os
import random
import statistics
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from bench.harness import Request, drive, fmt_ms, minted_token
from bench.servers import HELLO_ASGI, HELLO_WSGI, SERVER, serve

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
# BENCH_SERVERS lists the servers compared
SERVERS = [
    s for s in os.environ.get("BENCH_SERVERS", "gunicorn-sync,gunicorn-gthread,granian").split(",") if s
]
USERS, TICKETS, COMMENTS = 50, 10_000, 10_000


def seed(env: dict[str, str]) -> dict:
    """The desk's data set in the bench tenant (in this process)."""
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django_tenants.utils import schema_context

    from tickets.models import Estado, Interaccion, Prioridad, Ticket, TipoInteraccion
    from usuarios.models import Rol, Usuario

    rng = random.Random(15)
    password = make_password(uuid.uuid4().hex)
    with schema_context("bench"):
        users = Usuario.objects.bulk_create(
            [
                Usuario(email=f"u{i}@cost.test", nombre=f"Usuario {i}", rol=Rol.USUARIO, password=password)
                for i in range(USERS)
            ]
        )
        prioridades = list(Prioridad.values)
        tickets = Ticket.objects.bulk_create(
            [
                Ticket(
                    usuario=users[i % USERS],
                    titulo=f"Ticket de costo {i}",
                    descripcion="No puedo entrar a la cuenta desde el móvil " * 3,
                    prioridad=rng.choice(prioridades),
                    estado=Estado.ABIERTO,
                )
                for i in range(TICKETS)
            ],
            batch_size=2000,
        )
        Interaccion.objects.bulk_create(
            [
                Interaccion(
                    ticket=tickets[rng.randrange(TICKETS)],
                    usuario=users[i % USERS],
                    tipo=TipoInteraccion.COMENTARIO,
                    contenido="Gracias, lo reviso enseguida.",
                )
                for i in range(COMMENTS)
            ],
            batch_size=2000,
        )
        # the state changes toggle these between abierto and en_proceso, a thread's own share each
        toggled = [str(t.pk) for t in tickets[:200]]
        detail = [str(t.pk) for t in tickets[200:400]]
    token = minted_token("bench", "admin@bench.test")
    return {"token": token, "toggled": toggled, "detail": detail}


def _reset_toggled(ids: list[str]) -> None:
    """Every toggled ticket back to abierto: a round can end between a ticket's two changes."""
    from django_tenants.utils import schema_context

    from tickets.models import Estado, Ticket

    with schema_context("bench"):
        Ticket.objects.filter(pk__in=ids).update(estado=Estado.ABIERTO)


def _scenarios(data: dict) -> dict[str, tuple[list[Request], object]]:
    """Each scenario's requests, and what to do before each round (writes that must not collide
    run with each wrk thread on its own share of the requests)."""
    auth = _auth(data)
    toggled = data["toggled"]
    # line i goes to wrk thread i % 2: each thread walks its tickets forth, then back
    forth = [
        Request("PATCH", f"/api/tickets/tickets/{t}/estado/", auth, {"estado": "en_proceso"}) for t in toggled
    ]
    back = [
        Request("PATCH", f"/api/tickets/tickets/{t}/estado/", auth, {"estado": "abierto"}) for t in toggled
    ]
    return {
        "ticket detail (cached)": (
            [Request("GET", f"/api/tickets/tickets/{t}/", auth) for t in data["detail"]],
            None,
        ),
        "user detail (/me)": ([Request("GET", "/api/usuarios/me/", auth)], None),
        "list page of 20": (
            [Request("GET", f"/api/tickets/tickets/?page={p}&page_size=20", auth) for p in range(1, 11)],
            None,
        ),
        # wrk builds one request per thread that it never sends: a cheap one, first in each
        # thread's share, takes that place (else one ticket's changes fall out of step: a 409)
        "state change": ([Request("GET", "/health")] * 2 + forth + back, lambda: _reset_toggled(toggled)),
        # the notification task queued for a worker, as in production (the peer pushes its job
        # to a Redis list for its batch worker)
        "create ticket (task queued)": (_creates(auth), None),
    }


def _auth(data: dict) -> dict[str, str]:
    return {"X-Tenant-ID": "bench", "Authorization": f"Bearer {data['token']}"}


def _creates(auth: dict[str, str]) -> list[Request]:
    return [
        Request("POST", "/api/tickets/tickets/", auth, {"titulo": f"Nuevo {i}", "descripcion": "Se cae"})
        for i in range(50)
    ]


@contextmanager
def _scratch_queue(env: dict[str, str]) -> Iterator[dict[str, str]]:
    """`env` with tasks queued to a queue of this run's own, which no worker reads and which is
    dropped afterwards (nothing is left in a shared broker)."""
    import redis

    name = f"bench-cost-{uuid.uuid4().hex[:8]}"
    try:
        yield {**env, "CELERY_TASK_ALWAYS_EAGER": "false", "CELERY_QUEUE": name}
    finally:
        redis.Redis.from_url(env["REDIS_URL"]).delete(name)


def measure(running, requests: list[Request], *, before_round=None) -> dict:
    """Rounds of load; the median round's CPU ms per request, with req/s, p50 and p99.
    With `before_round`, each wrk thread sends its own share of the requests."""
    partition = before_round is not None
    if before_round:
        before_round()
    drive(running.url, requests, 1.0, partition=partition)  # warm
    cpu, rps, p50, p99, errors = [], [], [], [], 0
    for _ in range(ROUNDS):
        if before_round:
            before_round()
        before = running.cpu_seconds()
        result = drive(running.url, requests, SECONDS, count_status=True, partition=partition)
        spent = running.cpu_seconds() - before
        cpu.append(spent * 1000 / max(result.requests, 1))
        rps.append(result.rps)
        p50.append(result.pct(0.5))
        p99.append(result.pct(0.99))
        errors += result.errors + sum(result.statuses.values())
    return {
        "cpu": statistics.median(cpu),
        "rps": statistics.median(rps),
        "p50": statistics.median(p50),
        "p99": statistics.median(p99),
        "errors": errors,
    }


def row(name: str, m: dict, floor: float | None, target: str = "", ok: bool | None = None) -> dict[str, str]:
    verdict = f"{m['errors']} errors"
    if ok is not None:
        verdict = ("PASS" if ok and not m["errors"] else "FAIL") + f" ({verdict})"
    return {
        "scenario": name,
        "req/s": f"{m['rps']:.0f}",
        "p50": fmt_ms(m["p50"]),
        "p99": fmt_ms(m["p99"]),
        "ratio": f"{m['cpu']:.2f} CPU ms" + (f" ({m['cpu'] / floor:.1f}x floor)" if floor else ""),
        "target": target,
        "verdict": verdict,
    }


def servers_compared(env: dict[str, str], data: dict) -> list[dict[str, str]]:
    """The same hello world, /me and ticket detail under each server."""
    scenarios = _scenarios(data)
    rows = []
    for kind in SERVERS:
        with serve(kind, env, app=HELLO_WSGI) as running:
            rows.append(row(f"server {kind}: hello world", measure(running, [Request("GET", "/")]), None))
        with serve(kind, env) as running:
            for name in ("user detail (/me)", "ticket detail (cached)"):
                rows.append(row(f"server {kind}: {name}", measure(running, scenarios[name][0]), None))
    return rows


def desk(env: dict[str, str], data: dict) -> list[dict[str, str]]:
    with serve("uvicorn", env, app=HELLO_ASGI) as running:
        floor = measure(running, [Request("GET", "/")])
    with serve(SERVER, env, app=HELLO_WSGI) as running:
        ours = measure(running, [Request("GET", "/")])
    rows = [
        row("floor: hello world, uvicorn ASGI (baseline)", floor, None),
        row(f"floor: hello world, {SERVER} WSGI", ours, floor["cpu"]),
    ]
    queued = _scratch_queue(env) if env.get("REDIS_URL") else nullcontext(env)
    with queued as queued_env, serve(SERVER, queued_env) as running:
        for name, (requests, before_round) in _scenarios(data).items():
            rows.append(
                row(f"{SERVER}: {name}", measure(running, requests, before_round=before_round), floor["cpu"])
            )
    # as the bench served every request before: the task run in the request, by the web worker
    with serve(SERVER, env) as running:
        inline = measure(running, _creates(_auth(data)))
        rows.append(row(f"{SERVER}: create ticket (task run inline)", inline, floor["cpu"]))
    return rows


def run(env: dict[str, str]) -> list[dict[str, str]]:
    data = seed(env)
    return desk(env, data) + servers_compared(env, data)
