"""A long mixed workload across many tenants: users browse, order, open tickets and comment while
staff work the tickets. Targets: zero errors, and the workers' memory flat after warm-up.

Served as `make run` serves it (gunicorn, 2 workers x 4 threads, a Celery worker beside it on a
queue of its own), with e-mail going nowhere (there is no mail server on a bench machine).
"""

from __future__ import annotations

import os
import statistics
import threading
import time
import uuid
from decimal import Decimal

from bench.harness import Request, drive, fmt_ms
from core.testing.processes import celery_worker, gunicorn_server

TENANTS = int(os.environ.get("BENCH_MIXED_TENANTS", "50"))
SECONDS = float(os.environ.get("BENCH_MIXED_SECONDS", "600"))
# Imports, caches and connection pools fill during the first minutes; growth is measured after.
WARMUP = min(120.0, SECONDS / 5)
SAMPLE_EVERY = 5.0
# Allowed growth of a worker after warm-up: noise of the allocator, not a leak.
MAX_GROWTH_MB = 2.0
STOCK = 10_000_000
PASSWORD = "Bench-Clave-Segura-2026"
NAMES = ("web", "web", "celery")


def _seed(schema: str) -> dict:
    """One shop and desk: a customer, an agent, products, and tickets to work on."""
    from django_tenants.utils import schema_context

    from core.tenancy.services import tenant_create
    from productos.services.catalogo import categoria_create, producto_create
    from tickets.services import ticket_create
    from usuarios.auth.tokens import token_pair_for
    from usuarios.models import Rol
    from usuarios.services import usuario_create

    tenant_create(
        schema_name=schema,
        nombre=schema,
        admin={"email": f"admin@{schema}.test", "password": PASSWORD, "nombre": "Admin"},
    )
    with schema_context(schema):
        cliente = usuario_create(email=f"cliente@{schema}.test", password=PASSWORD, nombre="Cliente")
        agente = usuario_create(
            email=f"agente@{schema}.test", password=PASSWORD, nombre="Agente", rol=Rol.SOPORTE
        )
        categoria = categoria_create(nombre="General")
        productos = [
            producto_create(
                sku=f"MIX-{n}",
                nombre=f"Producto {n}",
                precio=Decimal("9.90") + n,
                categoria=categoria,
                stock=STOCK,
            )
            for n in range(5)
        ]
        ticket = ticket_create(actor=cliente, titulo="Mi pedido no llega", descripcion="Desde ayer")
        return {
            "schema": schema,
            "cliente": token_pair_for(user=cliente)["access"],
            "agente": token_pair_for(user=agente)["access"],
            "productos": [p.pk for p in productos],
            "ticket": str(ticket.pk),
        }


def _requests(shop: dict) -> list[Request]:
    def as_(role: str) -> dict[str, str]:
        return {"X-Tenant-ID": shop["schema"], "Authorization": f"Bearer {shop[role]}"}

    cliente, agente = as_("cliente"), as_("agente")
    a, b, *_ = shop["productos"]
    ticket = shop["ticket"]

    def interaccion(headers: dict[str, str], tipo: str, contenido: str) -> Request:
        body = {"ticket_id": ticket, "tipo": tipo, "contenido": contenido}
        return Request("POST", "/api/tickets/interacciones/", headers, body)

    return [
        Request("GET", "/api/usuarios/me/", cliente),
        Request("GET", "/api/productos/productos/?search=producto&page_size=20", cliente),
        Request("POST", "/api/productos/pedidos/", cliente, {"items": [{"producto": a, "cantidad": 1}]}),
        Request("GET", f"/api/tickets/tickets/{ticket}/", cliente),
        Request("GET", "/api/tickets/tickets/?estado=abierto&ordering=-fecha_creacion", agente),
        interaccion(cliente, "comentario", "¿Alguna novedad?"),
        Request("GET", f"/api/productos/productos/{b}/", cliente),
        Request("GET", "/api/productos/pedidos/", cliente),
        Request("PATCH", f"/api/tickets/tickets/{ticket}/", agente, {"prioridad": "alta"}),
        Request("GET", f"/api/tickets/tickets/{ticket}/interacciones/", agente),
        Request("POST", "/api/tickets/tickets/", cliente, {"titulo": "Otra consulta", "descripcion": "Hola"}),
        Request("GET", "/api/productos/categorias/", cliente),
        interaccion(agente, "nota_interna", "Revisar con logística"),
        Request(
            "POST",
            "/api/productos/pedidos/",
            cliente,
            {"items": [{"producto": a, "cantidad": 1}, {"producto": b, "cantidad": 2}]},
        ),
        Request("GET", "/api/productos/productos/?precio_min=10&ordering=precio", agente),
    ]


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def _stock_conserved(shops: list[dict]) -> bool:
    """Every unit that left stock is on an order line, in every tenant."""
    from django.db.models import Sum
    from django_tenants.utils import schema_context

    from productos.models import ItemPedido, Producto

    for shop in shops:
        with schema_context(shop["schema"]):
            sold = dict(
                ItemPedido.objects.values_list("producto_id")
                .annotate(n=Sum("cantidad"))
                .values_list("producto_id", "n")
            )
            for pk, stock in Producto.objects.values_list("pk", "stock"):
                if STOCK - stock != sold.get(pk, 0):
                    return False
    return True


def run(env: dict[str, str]) -> list[dict[str, str]]:
    os.environ.update(env)
    import django

    django.setup()
    shops = [_seed(f"mix_{n:02d}") for n in range(TENANTS)]
    # one tenant after another, each request of the round in turn, so every tenant stays busy
    per_shop = [_requests(shop) for shop in shops]
    requests = [reqs[i] for i in range(len(per_shop[0])) for reqs in per_shop]
    writes = sum(r.method != "GET" for r in requests) / len(requests)

    serve_env = {
        **env,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
    }
    worker = celery_worker(serve_env)
    samples: list[tuple[float, dict[int, float]]] = []
    try:
        with gunicorn_server(serve_env, workers=2, threads=4) as server:
            # the two web workers, and the Celery worker (its pool is solo: one process)
            pids = [*server.worker_pids(), worker.pid]
            outcome: dict = {}
            load = threading.Thread(
                target=lambda: outcome.update(result=drive(server.url, requests, SECONDS, count_status=True))
            )
            started = time.monotonic()
            load.start()
            while load.is_alive():
                samples.append((time.monotonic() - started, {pid: _rss_mb(pid) for pid in pids}))
                load.join(SAMPLE_EVERY)
            restarted = server.worker_pids() != pids[:2] or worker.poll() is not None
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    result = outcome["result"]

    def rss_around(t: float) -> dict[int, float]:
        """Each worker's median RSS over the 30 s from t."""
        window = [s for at, s in samples if t <= at < t + 30] or [samples[-1][1]]
        return {pid: statistics.median(s[pid] for s in window) for pid in pids}

    after_warmup, at_end = rss_around(WARMUP), rss_around(max(WARMUP, samples[-1][0] - 30))
    growth = [at_end[pid] - after_warmup[pid] for pid in pids]
    print(f"\nMixed workload: RSS (MB) of web, web, celery every minute, warm-up ends at {WARMUP:.0f} s")
    for at, rss in samples:
        if int(at) % 60 < SAMPLE_EVERY:
            print(f"  {at:5.0f} s  " + "  ".join(f"{rss[pid]:6.1f}" for pid in pids))
    conserved = _stock_conserved(shops)
    passed = not result.errors and not restarted and max(growth) <= MAX_GROWTH_MB and conserved
    notes = [f"{result.errors} errors"]
    notes += [f"{n} x {status}" for status, n in sorted(result.statuses.items())]
    notes.append(
        "RSS "
        + ", ".join(
            f"{name} {after_warmup[p]:.1f}->{at_end[p]:.1f} MB" for name, p in zip(NAMES, pids, strict=True)
        )
    )
    notes += ["a worker restarted"] if restarted else []
    notes.append("stock conserved" if conserved else "STOCK NOT CONSERVED")
    return [
        {
            "scenario": f"mixed workload: {TENANTS} tenants, {SECONDS / 60:.0f} min, {writes:.0%} writes",
            "req/s": f"{result.rps:.0f}",
            "p50": fmt_ms(result.pct(0.5)),
            "p99": fmt_ms(result.pct(0.99)),
            "ratio": "",
            "target": f"0 errors, RSS +<= {MAX_GROWTH_MB:g} MB",
            "verdict": ("PASS" if passed else "FAIL") + f" ({'; '.join(notes)})",
        }
    ]
