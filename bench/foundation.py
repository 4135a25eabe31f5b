"""Foundation benchmarks: tenant routing overhead, SQL per warm request, tenant creation time."""

from __future__ import annotations

import os
import statistics
import time
import uuid

import httpx

from bench.harness import Request, comparison_rows, interleaved, production_env
from bench.servers import served

PASSWORD = "Bench-Clave-Segura-2026"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))


def setup(env: dict[str, str]) -> None:
    from bench.harness import manage

    manage(env, "migrate", "--noinput", "-v", "0")
    manage(
        env,
        "crear_tenant",
        "--schema",
        "bench",
        "--nombre",
        "Bench",
        "--dominio",
        "bench.localhost",
        "--admin-email",
        "admin@bench.test",
        "--admin-password",
        PASSWORD,
    )


def routing_overhead(env: dict[str, str]) -> list[dict[str, str]]:
    pinned_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings_pinned", "BENCH_PINNED_SCHEMA": "bench"}
    with served(env) as routed, served(pinned_env) as pinned:
        login = httpx.post(
            f"{routed}/api/auth/token/",
            headers={"X-Tenant-ID": "bench"},
            json={"email": "admin@bench.test", "password": PASSWORD},
        )
        login.raise_for_status()
        auth = {"Authorization": f"Bearer {login.json()['access']}"}
        routed_req = [Request("GET", "/api/usuarios/me/", {**auth, "X-Tenant-ID": "bench"})]
        pinned_req = [Request("GET", "/api/usuarios/me/", auth)]
        results = interleaved(
            {"routed": (routed, routed_req), "pinned": (pinned, pinned_req)}, ROUNDS, SECONDS
        )
    return comparison_rows(
        baseline=("GET /api/usuarios/me/ pinned schema", results["pinned"]),
        candidate=("GET /api/usuarios/me/ routed by X-Tenant-ID", results["routed"]),
        min_ratio=0.95,
    )


def in_process(env: dict[str, str]) -> list[dict[str, str]]:
    """Statement count of a warm request and tenant creation time, in this process."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.tenancy.services import tenant_create
    from usuarios.auth.tokens import token_pair_for
    from usuarios.models import Usuario

    connection.set_tenant(type("T", (), {"schema_name": "bench"})())
    access = token_pair_for(user=Usuario.objects.get(email="admin@bench.test"))["access"]
    connection.set_schema_to_public()
    client = Client(HTTP_X_TENANT_ID="bench", HTTP_AUTHORIZATION=f"Bearer {access}")
    client.get("/api/usuarios/me/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/usuarios/me/").status_code == 200
    statements = [q["sql"] for q in ctx.captured_queries]
    lookups = sum("core_tenant" in s or "core_domain" in s for s in statements)
    sets = sum(s.upper().startswith("SET SEARCH_PATH") for s in statements)
    others = len(statements) - sets

    timings = []
    for _ in range(5):
        schema = f"b_{uuid.uuid4().hex[:10]}"
        started = time.perf_counter()
        tenant_create(
            schema_name=schema, nombre="B", admin={"email": "a@b.test", "password": PASSWORD, "nombre": "A"}
        )
        timings.append(time.perf_counter() - started)
    mean = statistics.mean(timings)
    ok_sql = lookups == 0 and sets <= 1 and others <= 1
    return [
        {
            "scenario": "SQL per warm GET /me/ (tenant lookups / SET search_path / other)",
            "req/s": "",
            "p50": "",
            "p99": "",
            "ratio": "",
            "target": "0 / <=1 / <=1",
            "verdict": f"{lookups} / {sets} / {others} " + ("PASS" if ok_sql else "FAIL"),
        },
        {
            "scenario": "create a tenant (clone template + first admin), 5 runs",
            "req/s": "",
            "p50": f"{statistics.median(timings) * 1000:.0f} ms",
            "p99": f"{max(timings) * 1000:.0f} ms",
            "ratio": "",
            "target": "< 1 s",
            "verdict": f"mean {mean * 1000:.0f} ms " + ("PASS" if max(timings) < 1 else "FAIL"),
        },
    ]


def prepare(database_url: str) -> dict[str, str]:
    env = production_env(database_url)
    setup(env)
    return env


def run(env: dict[str, str]) -> list[dict[str, str]]:
    return routing_overhead(env) + in_process(env)
