"""Catalogue and orders benchmarks: order placement hot vs spread, product search on 100k rows."""

from __future__ import annotations

import os
import random

import httpx

from bench.harness import Request, comparison_rows, interleaved, statements_per_page_size
from core.testing.processes import gunicorn

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
CATALOGUE_SIZE = int(os.environ.get("BENCH_PRODUCTS", "100000"))
PASSWORD = "Bench-Clave-Segura-2026"
WORDS = ["café", "té", "cacao", "azúcar", "leche", "harina", "arroz", "aceite", "miel", "sal", "pan", "queso"]


def seed(env: dict[str, str]) -> dict:
    """100k products in 20 categories, in the bench tenant (in this process)."""
    os.environ.update(env)
    import django

    django.setup()
    from decimal import Decimal

    from django_tenants.utils import schema_context

    from productos.models import Producto
    from productos.services import catalogo

    rng = random.Random(7)
    with schema_context("bench"):
        categorias = [catalogo.categoria_create(nombre=f"Categoría {i}") for i in range(20)]
        batch = []
        for i in range(CATALOGUE_SIZE):
            words = " ".join(rng.sample(WORDS, 3))
            batch.append(
                Producto(
                    sku=f"B-{i:07d}",
                    nombre=f"{words} {i}",
                    slug=f"b-{i:07d}",
                    descripcion=f"Producto de {words}",
                    precio=Decimal(rng.randint(100, 100_000)) / 100,
                    stock=1_000_000_000,
                    categoria=categorias[i % 20],
                )
            )
            if len(batch) == 5000:
                Producto.objects.bulk_create(batch)
                batch = []
        Producto.objects.bulk_create(batch)
        hot = Producto.objects.get(sku="B-0000000").pk
        spread = list(Producto.objects.order_by("?").values_list("pk", flat=True)[:500])
    return {"categorias": [c.pk for c in categorias], "hot": hot, "spread": spread}


def _token(url: str) -> str:
    login = httpx.post(
        f"{url}/api/auth/token/",
        headers={"X-Tenant-ID": "bench"},
        json={"email": "admin@bench.test", "password": PASSWORD},
    )
    login.raise_for_status()
    return login.json()["access"]


def orders_and_search(env: dict[str, str], data: dict) -> list[dict[str, str]]:
    with gunicorn(env, workers=2, threads=1) as url:
        headers = {"X-Tenant-ID": "bench", "Authorization": f"Bearer {_token(url)}"}
        hot = [
            Request(
                "POST",
                "/api/productos/pedidos/",
                headers,
                {"items": [{"producto": data["hot"], "cantidad": 1}]},
            )
        ]
        spread = [
            Request("POST", "/api/productos/pedidos/", headers, {"items": [{"producto": p, "cantidad": 1}]})
            for p in data["spread"]
        ]
        orders = interleaved({"hot": (url, hot), "spread": (url, spread)}, ROUNDS, SECONDS)
        rng = random.Random(3)
        searches = [
            Request(
                "GET",
                f"/api/productos/productos/?search={rng.choice(WORDS)}&categoria={rng.choice(data['categorias'])}"
                f"&precio_max=500&page_size=20",
                headers,
            )
            for _ in range(200)
        ]
        plain = [
            Request("GET", f"/api/productos/productos/?page={rng.randint(1, 50)}&page_size=20", headers)
            for _ in range(50)
        ]
        search = interleaved({"search": (url, searches), "plain": (url, plain)}, ROUNDS, SECONDS)
    rows = comparison_rows(
        baseline=("POST /api/productos/pedidos/ spread over 500 products", orders["spread"]),
        candidate=("POST /api/productos/pedidos/ one hot product (row lock contention)", orders["hot"]),
        min_ratio=0,
    )
    rows[1]["target"] = "orders/s, p99"
    rows[1]["verdict"] = f"{orders['hot'].errors} errors"
    search_rows = comparison_rows(
        baseline=(f"GET products page 1-50, {CATALOGUE_SIZE:,} products", search["plain"]),
        candidate=("GET products search + categoria + precio_max", search["search"]),
        min_ratio=0,
    )
    search_rows[1]["target"] = "p50, p99"
    search_rows[1]["verdict"] = f"{search['search'].errors} errors"
    return rows + search_rows


def search_statements() -> list[dict[str, str]]:
    return [
        statements_per_page_size(
            scenario="SQL per product search page at page_size 10 / 50 / 100",
            path="/api/productos/productos/",
            params={"search": "miel", "precio_max": "900"},
        )
    ]


def run(env: dict[str, str]) -> list[dict[str, str]]:
    data = seed(env)
    return orders_and_search(env, data) + search_statements()
