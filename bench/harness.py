"""Shared bench plumbing: a scratch database, gunicorn servers, a load generator, the table.

Everything runs on this machine: servers on 127.0.0.1, load from separate processes.
Comparisons are interleaved A/B rounds in one session, so both sides see the same machine.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_DB_NAME", "saas_bench")
# one key for every server of a run, so that a token works on all of them
SECRET_KEY = os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50)


def base_database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    from core.local_services import embedded_postgres_url

    return embedded_postgres_url()


def bench_database_url() -> str:
    """A scratch database next to DATABASE_URL's, recreated for each bench run."""
    import environ

    base = base_database_url()
    cfg = environ.Env.db_url_config(base)
    host = cfg.get("OPTIONS", {}).get("host") or cfg["HOST"] or None
    conn = psycopg2.connect(
        dbname=cfg["NAME"], user=cfg["USER"], password=cfg["PASSWORD"], host=host, port=cfg["PORT"] or None
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB)))
    conn.close()
    head, _, tail = base.partition("?")
    head = head.rsplit("/", 1)[0] + "/" + BENCH_DB
    return f"{head}?{tail}" if tail else head


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off) over plain HTTP on loopback."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "REDIS_URL") if k in os.environ}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "core.settings",
            "ENV_FILE": os.devnull,
            "DEBUG": "false",
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": database_url,
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "*",
            "LOG_LEVEL": "WARNING",
            # the bench logs in and hammers from one address
            # no worker runs during the bench: do not leave messages in a shared broker
            "CELERY_TASK_ALWAYS_EAGER": "true",
            # no mail server on a bench machine, and mail is not what is measured
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "THROTTLE_LOGIN": "1000000/min",
            "THROTTLE_LOGIN_IP": "1000000/min",
        }
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    json: object | None = None


def _load_worker(url, requests, seconds, connections, queue):
    import threading

    latencies: list[float] = []
    statuses: Counter[int] = Counter()  # the failing ones
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def run(offset):
        local, bad = [], Counter()
        with httpx.Client(base_url=url, timeout=30) as client:
            i = offset
            while time.perf_counter() < stop_at:
                req = requests[i % len(requests)]
                i += 1
                started = time.perf_counter()
                response = client.request(req.method, req.path, headers=req.headers, json=req.json)
                local.append(time.perf_counter() - started)
                if response.status_code >= 400:
                    bad[response.status_code] += 1
        with lock:
            latencies.extend(local)
            statuses.update(bad)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((latencies, statuses))


@dataclass
class Result:
    requests: int
    errors: int
    seconds: float
    p50s: list[float]  # milliseconds, one per round
    p99s: list[float]
    statuses: Counter[int] = field(default_factory=Counter)  # failing status codes, when counted

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        """Median over rounds of each round's percentile."""
        values = self.p50s if q == 0.5 else self.p99s
        return statistics.median(values) if values else 0.0

    def merge(self, other: Result) -> Result:
        return Result(
            self.requests + other.requests,
            self.errors + other.errors,
            self.seconds + other.seconds,
            self.p50s + other.p50s,
            self.p99s + other.p99s,
            self.statuses + other.statuses,
        )


def _from_latencies(latencies: list[float], statuses: Counter[int], seconds: float) -> Result:
    ordered = sorted(latencies)

    def at(q):
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0

    return Result(len(ordered), sum(statuses.values()), seconds, [at(0.5)], [at(0.99)], statuses)


LOAD_TOOL = os.environ.get("BENCH_LOAD", "wrk" if shutil.which("wrk") else "python")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))


def drive(
    url: str,
    requests: list[Request],
    seconds: float,
    *,
    count_status: bool = False,
    partition: bool = False,
    connections: int | None = None,
) -> Result:
    """Load from another process: wrk when installed (it leaves the CPU to the server), else
    Python clients in two processes. `count_status` tallies the failing status codes;
    `partition` gives each wrk thread its own share of the requests (writes to one row)."""
    if LOAD_TOOL == "wrk":
        return _drive_wrk(
            url, requests, seconds, count_status=count_status, partition=partition, connections=connections
        )
    return _drive_python(
        url, requests, seconds, processes=2, connections=max(1, (connections or CONNECTIONS) // 2)
    )


def _drive_wrk(
    url: str,
    requests: list[Request],
    seconds: float,
    *,
    count_status: bool,
    partition: bool = False,
    connections: int | None = None,
) -> Result:
    import json
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for r in requests:
            line = {"method": r.method, "path": r.path, "headers": dict(r.headers)}
            if r.json is not None:
                line["body"] = json.dumps(r.json)
                line["headers"]["Content-Type"] = "application/json"
            f.write(json.dumps(line) + "\n")
        path = f.name
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t",
                str(min(2, connections or CONNECTIONS)),  # wrk wants a connection per thread
                "-c",
                str(connections or CONNECTIONS),
                "-d",
                f"{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                str(Path(__file__).parent / "wrk_report.lua"),
                url,
            ],
            env={
                **os.environ,
                "BENCH_REQUESTS_FILE": path,
                **({"BENCH_COUNT_STATUS": "1"} if count_status else {}),
                **({"BENCH_PARTITION": "1", "BENCH_THREADS": "2"} if partition else {}),
            },
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(path)
    data = json.loads(out.split("WRK_JSON ", 1)[1].splitlines()[0])
    statuses = Counter({int(k): v for k, v in data.get("statuses", {}).items()})
    return Result(data["requests"], data["errors"], data["seconds"], [data["p50"]], [data["p99"]], statuses)


def _drive_python(
    url: str, requests: list[Request], seconds: float, processes: int, connections: int
) -> Result:
    """Load from `processes` separate processes, each with `connections` keep-alive clients."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_load_worker, args=(url, requests, seconds, connections, queue))
        for _ in range(processes)
    ]
    started = time.perf_counter()
    for p in procs:
        p.start()
    parts = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - started
    latencies = [lat for part in parts for lat in part[0]]
    statuses = sum((part[1] for part in parts), Counter())
    return _from_latencies(latencies, statuses, elapsed)


def _touch_each(url: str, requests: list[Request]) -> None:
    """Send every distinct request once, so that caches behind a request spread over many
    tenants are warm before anything is timed (steady state is what the rounds compare)."""
    with httpx.Client(base_url=url, timeout=30) as client:
        for req in requests:
            client.request(req.method, req.path, headers=req.headers, json=req.json)


def interleaved(
    pairs: dict[str, tuple[str, list[Request]]],
    rounds: int,
    seconds: float,
    *,
    connections: int | None = None,
) -> dict[str, Result]:
    """Alternate the scenarios round by round, in ABBA order so that neither side always goes
    first; warm each first."""
    for url, reqs in pairs.values():
        _touch_each(url, reqs)
        drive(url, reqs, 1.0, connections=connections)
    totals: dict[str, Result] = {}
    names = list(pairs)
    for round_no in range(rounds):
        for name in names if round_no % 2 == 0 else reversed(names):
            url, reqs = pairs[name]
            result = drive(url, reqs, seconds, connections=connections)
            totals[name] = totals[name].merge(result) if name in totals else result
    return totals


def comparison_rows(
    *, baseline: tuple[str, Result], candidate: tuple[str, Result], min_ratio: float
) -> list[dict[str, str]]:
    """Two table rows: the baseline, and the candidate with its req/s ratio against it."""
    (base_name, base), (cand_name, cand) = baseline, candidate
    ratio = cand.rps / base.rps

    def row(name, result, ratio_text, target, verdict):
        return {
            "scenario": name,
            "req/s": f"{result.rps:.0f}",
            "p50": fmt_ms(result.pct(0.5)),
            "p99": fmt_ms(result.pct(0.99)),
            "ratio": ratio_text,
            "target": target,
            "verdict": verdict,
        }

    passed = ratio >= min_ratio and not cand.errors
    return [
        row(f"{base_name} (baseline)", base, "1.00x", "", f"{base.errors} errors"),
        row(
            cand_name,
            cand,
            f"{ratio:.2f}x",
            f">= {min_ratio:g}x",
            ("PASS" if passed else "FAIL") + f" ({cand.errors} errors)",
        ),
    ]


def minted_token(tenant: str, email: str) -> str:
    """An access token made in this process (Django set up, same SECRET_KEY as the servers):
    a thousand logins over HTTP would spend minutes hashing passwords."""
    from django_tenants.utils import schema_context

    from usuarios.auth.tokens import token_pair_for
    from usuarios.models import Usuario

    with schema_context(tenant):
        return token_pair_for(user=Usuario.objects.get(email=email))["access"]


def statements_per_page_size(*, scenario: str, path: str, params: dict | None = None) -> dict[str, str]:
    """SQL statements of a warm GET at page sizes 10, 50 and 100, in this process (Django set up),
    as the bench tenant's admin."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    access = minted_token("bench", "admin@bench.test")
    client = Client(HTTP_X_TENANT_ID="bench", HTTP_AUTHORIZATION=f"Bearer {access}")
    counts = {}
    for size in (10, 50, 100):
        query = {**(params or {}), "page_size": size}
        client.get(path, query)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path, query).status_code == 200
        counts[size] = len(ctx.captured_queries)
    same = len(set(counts.values())) == 1
    verdict = " / ".join(str(counts[s]) for s in (10, 50, 100)) + (" PASS" if same else " FAIL")
    return {
        "scenario": scenario,
        "req/s": "",
        "p50": "",
        "p99": "",
        "ratio": "",
        "target": "constant",
        "verdict": verdict,
    }


def table(rows: list[dict[str, str]]) -> str:
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    lines = [" | ".join(c.ljust(widths[c]) for c in columns), "-+-".join("-" * widths[c] for c in columns)]
    lines += [" | ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(lines)


def fmt_ms(value: float) -> str:
    return f"{value:.2f} ms"


def median(values: list[float]) -> float:
    return statistics.median(values)
