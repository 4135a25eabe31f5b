"""Tenants on a Citus cluster (CITUS_DATABASE_URL, the coordinator) against plain PostgreSQL
(DATABASE_URL): `/me` and ticket detail spread over tenants on two workers, and a tenant moved to
another worker while it is read and written (failed requests, slowest request).

`BENCH_ONLY=citus make bench` (or `python -m bench.citus`); without CITUS_DATABASE_URL it says so.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from contextlib import closing

import environ
import httpx
import psycopg2

from bench.harness import Request, base_database_url, fmt_ms, interleaved, manage, production_env, table
from core.testing.processes import gunicorn

TENANTS = int(os.environ.get("BENCH_CITUS_TENANTS", "20"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
PASSWORD = "Bench-Clave-Segura-2026"
NAME = "saas_bench_citus"


def _plain_database() -> str:
    base = base_database_url()
    with closing(psycopg2.connect(base)) as conn:
        conn.autocommit = True
        conn.cursor().execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        conn.cursor().execute(f'CREATE DATABASE "{NAME}"')
    return base.rsplit("/", 1)[0] + f"/{NAME}"


def _citus_database(url: str) -> str:
    from core.testing.citus import citus_test_database_create

    cfg = environ.Env.db_url_config(url)
    citus_test_database_create(cfg, NAME)
    return url.rsplit("/", 1)[0] + f"/{NAME}"


def _seed(env: dict[str, str]) -> list[float]:
    """TENANTS tenants made through `crear_tenant`; the seconds each took (in-process timing)."""
    manage(env, "migrate", "--noinput", "-v", "0")
    script = (
        "import time, django; django.setup()\n"
        "from core.tenancy.services import tenant_create\n"
        f"for i in range({TENANTS}):\n"
        "    t = time.perf_counter()\n"
        f"    tenant_create(schema_name=f'cb_{{i:03d}}', nombre='B', admin={{'email': f'a@{{i}}.test', 'password': '{PASSWORD}', 'nombre': 'A'}})\n"
        "    print('T', time.perf_counter() - t)\n"
    )
    out = manage(env, "shell", "-c", script)
    return [float(line.split()[1]) for line in out.splitlines() if line.startswith("T ")]


def _requests(url: str) -> tuple[list[Request], list[Request]]:
    me, detail = [], []
    with httpx.Client(base_url=url, timeout=30) as client:
        for i in range(TENANTS):
            schema = f"cb_{i:03d}"
            login = client.post(
                "/api/auth/token/",
                headers={"X-Tenant-ID": schema},
                json={"email": f"a@{i}.test", "password": PASSWORD},
            )
            login.raise_for_status()
            headers = {"X-Tenant-ID": schema, "Authorization": f"Bearer {login.json()['access']}"}
            ticket = client.post("/api/tickets/tickets/", headers=headers, json={"titulo": "bench"})
            ticket.raise_for_status()
            me.append(Request("GET", "/api/usuarios/me/", headers))
            detail.append(Request("GET", f"/api/tickets/tickets/{ticket.json()['id']}/", headers))
    return me, detail


def _move_under_load(url: str, citus_url: str, me: list[Request]) -> dict[str, str]:
    """Move cb_000 to the other worker while 4 clients create, list and read its tickets."""
    headers = me[0].headers
    latencies: list[float] = []
    failed = 0
    created = 0
    stop = threading.Event()
    lock = threading.Lock()

    def load(n: int) -> None:
        nonlocal failed, created
        with httpx.Client(base_url=url, timeout=60) as client:
            i = 0
            while not stop.is_set():
                started = time.perf_counter()
                if (i + n) % 2:
                    r = client.post("/api/tickets/tickets/", headers=headers, json={"titulo": f"mudanza {i}"})
                else:
                    r = client.get("/api/tickets/tickets/", headers=headers)
                with lock:
                    latencies.append(time.perf_counter() - started)
                    failed += r.status_code >= 400
                    created += r.status_code == 201
                i += 1

    with closing(psycopg2.connect(citus_url)) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT nodename, nodeport FROM citus_shards WHERE table_name::text LIKE %s",
            ["cb\\_000.%"],
        )
        [(host, port)] = cursor.fetchall()
        cursor.execute(
            "SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0 AND (nodename, nodeport) <> (%s, %s)",
            [host, port],
        )
        target = cursor.fetchone()
    threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    time.sleep(1)
    started = time.perf_counter()
    with closing(psycopg2.connect(citus_url)) as conn:
        conn.autocommit = True
        conn.cursor().execute("SELECT citus_schema_move('cb_000', %s, %s, 'force_logical')", list(target))
    moved_in = time.perf_counter() - started
    time.sleep(1)
    stop.set()
    for t in threads:
        t.join()
    with closing(psycopg2.connect(citus_url)) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cb_000.tickets_ticket WHERE titulo LIKE 'mudanza %%'")
        stored = cursor.fetchone()[0]
    return {
        "lost": str(created - stored),
        "requests": str(len(latencies)),
        "failed": str(failed),
        "slowest": fmt_ms(max(latencies) * 1000),
        "p50": fmt_ms(statistics.median(latencies) * 1000),
        "move": f"{moved_in:.1f} s to {target[0]}:{target[1]}",
    }


def run(env: dict[str, str] | None = None) -> list[dict[str, str]]:
    citus_url = os.environ.get("CITUS_DATABASE_URL")
    if not citus_url:
        return [
            {
                "scenario": "Citus cluster",
                "req/s": "",
                "p50": "",
                "p99": "",
                "ratio": "",
                "target": "",
                "verdict": "not run: CITUS_DATABASE_URL is not set",
            }
        ]
    plain_env = production_env(_plain_database())
    citus_env = production_env(_citus_database(citus_url))
    plain_create, citus_create = _seed(plain_env), _seed(citus_env)
    rows = [
        {
            "scenario": f"tenant creation, {TENANTS} tenants: Citus vs plain PostgreSQL",
            "req/s": "",
            "p50": f"{statistics.median(citus_create) * 1000:.0f} ms / {statistics.median(plain_create) * 1000:.0f} ms",
            "p99": f"{max(citus_create) * 1000:.0f} ms max on Citus",
            "ratio": f"{statistics.median(citus_create) / statistics.median(plain_create):.2f}x",
            "target": "< 1 s a tenant on the cluster (median)",
            "verdict": "PASS" if statistics.median(citus_create) < 1.0 else "FAIL",
        }
    ]
    with (
        gunicorn(plain_env, workers=2, threads=1) as plain,
        gunicorn(citus_env, workers=2, threads=1) as cluster,
    ):
        plain_me, plain_detail = _requests(plain)
        citus_me, citus_detail = _requests(cluster)
        for label, plain_reqs, citus_reqs in (
            ("GET /me", plain_me, citus_me),
            ("GET ticket detail", plain_detail, citus_detail),
        ):
            results = interleaved(
                {"plain": (plain, plain_reqs), "citus": (cluster, citus_reqs)}, ROUNDS, SECONDS
            )
            for name in ("plain", "citus"):
                r = results[name]
                rows.append(
                    {
                        "scenario": f"{label} spread over {TENANTS} tenants, {'Citus (2 workers)' if name == 'citus' else 'plain PostgreSQL'}",
                        "req/s": f"{r.rps:.0f}",
                        "p50": fmt_ms(r.pct(0.5)),
                        "p99": fmt_ms(r.pct(0.99)),
                        "ratio": f"{r.rps / results['plain'].rps:.2f}x",
                        "target": "",
                        "verdict": f"{r.errors} errors",
                    }
                )
        move = _move_under_load(cluster, citus_env["DATABASE_URL"], citus_me)
    rows.append(
        {
            "scenario": f"citus_schema_move under load, as the product moves a tenant (force_logical, writes not paused), {move['move']}",
            "req/s": f"{move['requests']} requests",
            "p50": move["p50"],
            "p99": f"slowest {move['slowest']}",
            "ratio": "",
            "target": "0 failed, 0 acknowledged writes lost",
            "verdict": ("PASS" if move["failed"] == "0" and move["lost"] == "0" else "FAIL")
            + f" ({move['failed']} failed, {move['lost']} acknowledged writes lost)",
        }
    )
    return rows


def main() -> int:
    rows = run()
    print(table(rows))
    return 1 if any("FAIL" in r["verdict"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
