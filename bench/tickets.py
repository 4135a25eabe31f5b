"""Tickets benchmarks: cached vs uncached detail; list statements vs page size."""

from __future__ import annotations

import os

import httpx

from bench.harness import Request, comparison_rows, interleaved, statements_per_page_size
from bench.servers import served

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
PASSWORD = "Bench-Clave-Segura-2026"


def _token(url: str) -> str:
    login = httpx.post(
        f"{url}/api/auth/token/",
        headers={"X-Tenant-ID": "bench"},
        json={"email": "admin@bench.test", "password": PASSWORD},
    )
    login.raise_for_status()
    return login.json()["access"]


def detail_cached_vs_uncached(env: dict[str, str]) -> list[dict[str, str]]:
    nocache_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings_nocache"}
    with (
        served(env) as cached_url,
        served(nocache_env) as plain_url,
    ):
        headers = {"X-Tenant-ID": "bench", "Authorization": f"Bearer {_token(cached_url)}"}
        ids = []
        for i in range(20):
            created = httpx.post(
                f"{cached_url}/api/tickets/tickets/", headers=headers, json={"titulo": f"Bench {i}"}
            )
            created.raise_for_status()
            ids.append(created.json()["id"])
        reqs = [Request("GET", f"/api/tickets/tickets/{t}/", headers) for t in ids]
        results = interleaved({"cached": (cached_url, reqs), "uncached": (plain_url, reqs)}, ROUNDS, SECONDS)
    return comparison_rows(
        baseline=("GET /api/tickets/tickets/{id}/ without cache", results["uncached"]),
        candidate=("GET /api/tickets/tickets/{id}/ from the Redis cache", results["cached"]),
        min_ratio=3,
    )


def list_statements(env: dict[str, str]) -> list[dict[str, str]]:
    """SQL statements of a warm list request at page sizes 10, 50, 100 (in this process)."""
    os.environ.update(env)
    import django

    django.setup()
    from django_tenants.utils import schema_context

    from tickets.models import Ticket
    from usuarios.models import Usuario

    with schema_context("bench"):
        admin = Usuario.objects.get(email="admin@bench.test")
        Ticket.objects.bulk_create(
            [Ticket(usuario=admin, asignado_a=admin, titulo=f"L{i}") for i in range(120)]
        )
    return [
        statements_per_page_size(
            scenario="SQL per GET /api/tickets/tickets/ at page_size 10 / 50 / 100",
            path="/api/tickets/tickets/",
        )
    ]


def run(env: dict[str, str]) -> list[dict[str, str]]:
    return detail_cached_vs_uncached(env) + list_statements(env)
