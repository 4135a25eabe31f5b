"""The ladder of limits on this machine, and one tenant vs many tenants."""

from __future__ import annotations

import os
import time

import httpx

from bench.harness import Request, comparison_rows, fmt_ms, interleaved, minted_token
from bench.servers import HELLO_WSGI, SERVER, served

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
TENANTS = int(os.environ.get("BENCH_TENANTS", "1000"))
PASSWORD = "Bench-Clave-Segura-2026"


def _token(url: str, tenant: str, email: str) -> str:
    login = httpx.post(
        f"{url}/api/auth/token/", headers={"X-Tenant-ID": tenant}, json={"email": email, "password": PASSWORD}
    )
    login.raise_for_status()
    return login.json()["access"]


def _seed_endpoints(url: str, headers: dict[str, str]) -> tuple[str, str]:
    """A ticket and a page of products in the bench tenant: the ladder's real endpoints."""
    ticket = httpx.post(f"{url}/api/tickets/tickets/", headers=headers, json={"titulo": "Escalera"})
    ticket.raise_for_status()
    categoria = httpx.post(f"{url}/api/productos/categorias/", headers=headers, json={"nombre": "Escalera"})
    categoria.raise_for_status()
    for n in range(20):
        httpx.post(
            f"{url}/api/productos/productos/",
            headers=headers,
            json={
                "sku": f"ESC-{n}",
                "nombre": f"Escalón {n}",
                "precio": "5.00",
                "categoria": categoria.json()["id"],
            },
        ).raise_for_status()
    return ticket.json()["id"], f"/api/productos/productos/?categoria={categoria.json()['id']}&page_size=20"


def ladder(env: dict[str, str]) -> list[dict[str, str]]:
    ladder_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings_ladder"}
    with (
        served(env, app=HELLO_WSGI) as hello,
        served(ladder_env) as bare,
        served(env) as real,
    ):
        headers = {
            "X-Tenant-ID": "bench",
            "Authorization": f"Bearer {_token(real, 'bench', 'admin@bench.test')}",
        }
        ticket, products = _seed_endpoints(real, headers)
        results = interleaved(
            {
                "hello": (hello, [Request("GET", "/", {})]),
                "json": (bare, [Request("GET", "/ladder/json", {})]),
                "select1": (bare, [Request("GET", "/ladder/select1", {})]),
                "me": (real, [Request("GET", "/api/usuarios/me/", headers)]),
                "ticket": (real, [Request("GET", f"/api/tickets/tickets/{ticket}/", headers)]),
                "products": (real, [Request("GET", products, headers)]),
            },
            ROUNDS,
            SECONDS,
        )
    names = {
        "hello": f"ladder: bare WSGI hello-world ({SERVER})",
        "json": "ladder: bare Django JsonResponse (no middleware)",
        "select1": "ladder: bare Django + SELECT 1",
        "me": "GET /api/usuarios/me/ (tenant, JWT, cached user)",
        "ticket": "GET /api/tickets/tickets/{id}/ (Redis cache)",
        "products": "GET /api/productos/productos/ page of 20",
    }
    top = results["hello"].rps
    return [
        {
            "scenario": names[k],
            "req/s": f"{r.rps:.0f}",
            "p50": fmt_ms(r.pct(0.5)),
            "p99": fmt_ms(r.pct(0.99)),
            "ratio": f"{r.rps / top:.2f}x",
            "target": "fraction of hello-world",
            "verdict": f"{r.errors} errors",
        }
        for k, r in results.items()
    ]


def many_tenants(env: dict[str, str]) -> list[dict[str, str]]:
    """GET /me/ against one tenant vs spread over TENANTS tenants."""
    os.environ.update(env)
    import django

    django.setup()
    from core.models import Tenant
    from core.tenancy.services import tenant_create

    existing = set(
        Tenant.objects.filter(schema_name__startswith="esc_").values_list("schema_name", flat=True)
    )
    started = time.perf_counter()
    for i in range(TENANTS):
        schema = f"esc_{i:04d}"
        if schema not in existing:
            tenant_create(
                schema_name=schema,
                nombre=schema,
                admin={"email": f"a@{i}.test", "password": PASSWORD, "nombre": "A"},
            )
    made = time.perf_counter() - started
    with served(env) as url:
        one = [
            Request(
                "GET",
                "/api/usuarios/me/",
                {
                    "X-Tenant-ID": "esc_0000",
                    "Authorization": f"Bearer {minted_token('esc_0000', 'a@0.test')}",
                },
            )
        ]
        spread = [
            Request(
                "GET",
                "/api/usuarios/me/",
                {
                    "X-Tenant-ID": f"esc_{i:04d}",
                    "Authorization": f"Bearer {minted_token(f'esc_{i:04d}', f'a@{i}.test')}",
                },
            )
            for i in range(TENANTS)
        ]
        results = interleaved({"one": (url, one), "spread": (url, spread)}, ROUNDS, SECONDS)
    rows = comparison_rows(
        baseline=("GET /api/usuarios/me/, 1 tenant", results["one"]),
        candidate=(f"GET /api/usuarios/me/ spread over {TENANTS} tenants", results["spread"]),
        min_ratio=0.9,
    )
    p99_ratio = results["spread"].pct(0.99) / results["one"].pct(0.99)
    rows[1]["target"] = ">= 0.9x, p99 <= 1.5x"
    rows[1]["verdict"] = (
        "PASS" if rows[1]["verdict"].startswith("PASS") and p99_ratio <= 1.5 else "FAIL"
    ) + f" (p99 {p99_ratio:.2f}x)"
    rows.append(
        {
            "scenario": f"create {TENANTS} tenants",
            "req/s": "",
            "p50": f"{made / max(TENANTS, 1) * 1000:.0f} ms each",
            "p99": "",
            "ratio": "",
            "target": "",
            "verdict": f"{made:.0f} s in all",
        }
    )
    return rows


def run(env: dict[str, str]) -> list[dict[str, str]]:
    return ladder(env) + many_tenants(env)
