"""Tenants at scale: the per-tenant operations with BENCH_TENANTS tenants against the same with 10,
two databases built and measured in one run (`make bench-tenants`: 10,000; `make bench`: 1,000).

Every row is a ratio measured in this run; the rollout row is absolute (its target is a time).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import closing

import httpx
import psutil
import psycopg2

from bench.harness import ROOT, Request, _touch_each, base_database_url, drive, fmt_ms, manage, production_env
from core.testing.processes import celery_worker, gunicorn

TENANTS = int(os.environ.get("BENCH_TENANTS", "1000"))
SMALL = 10
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
BUILDERS = 2


def _database(name: str) -> str:
    """A new database, or with BENCH_REUSE=1 the one an earlier run built (its tenants are kept;
    the build goes on where it stopped)."""
    base = base_database_url()
    with closing(psycopg2.connect(base)) as conn:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not (os.environ.get("BENCH_REUSE") == "1" and cursor.fetchone()):
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                cursor.execute(f'CREATE DATABASE "{name}"')
    head, _, tail = base.partition("?")
    url = head.rsplit("/", 1)[0] + "/" + name
    return f"{url}?{tail}" if tail else url


def _op(env: dict[str, str], *args: object) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.tenant_ops", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"tenant_ops {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.split("BENCH_JSON ", 1)[1].splitlines()[0])


def _build(env: dict[str, str], count: int) -> float:
    """`count` bulk tenants besides `bench`, by BUILDERS processes at once."""
    started = time.perf_counter()
    share = (count + BUILDERS - 1) // BUILDERS
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.tenant_ops",
                "build",
                str(n * share),
                str(min(share, count - n * share)),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for n in range(BUILDERS)
        if n * share < count
    ]
    if any(p.wait() != 0 for p in procs):
        raise RuntimeError("building tenants failed")
    return time.perf_counter() - started


def _prepare(name: str, count: int) -> tuple[dict[str, str], float]:
    env = production_env(_database(name), MIGRATE_WORKERS="2")
    manage(env, "migrate", "--noinput", "-v", "0")
    _op(env, "seed")
    return env, _build(env, count)


def _timed_manage(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    manage(env, *args)
    return time.perf_counter() - started


def _row(scenario: str, value: str, ratio: str = "", target: str = "", verdict: str = "", **extra) -> dict:
    return {
        "scenario": scenario,
        "req/s": "",
        "p50": value,
        "p99": "",
        "ratio": ratio,
        "target": target,
        "verdict": verdict,
        **extra,
    }


def _ratio_row(scenario: str, small: float, big: float, limit: float) -> dict:
    ratio = big / small
    return _row(
        scenario,
        f"{small * 1000:.0f} ms at {SMALL} / {big * 1000:.0f} ms at {TENANTS}",
        f"{ratio:.2f}x",
        f"<= {limit}x",
        "PASS" if ratio <= limit else "FAIL",
    )


# --- memory under a spread load ---------------------------------------------------------------
def _rss(pid: int, field: str = "RssAnon") -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _backends(database: str) -> list[int]:
    with closing(psycopg2.connect(base_database_url())) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'",
            [database],
        )
        return [pid for (pid,) in cursor.fetchall()]


class _MemoryWatch:
    """The largest private memory of the database's backends and of the server's workers."""

    def __init__(self, database: str, server_pid: int) -> None:
        self.database, self.server = database, psutil.Process(server_pid)
        self.backend = self.worker = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        while not self.stop.wait(0.25):
            self.backend = max([self.backend, *map(_rss, _backends(self.database))])
            self.worker = max([self.worker, *(_rss(c.pid, "VmRSS") for c in self.server.children())])

    def __enter__(self) -> _MemoryWatch:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def _me_requests(tokens: dict[str, str]) -> list[Request]:
    return [
        Request("GET", "/api/usuarios/me/", {"X-Tenant-ID": schema, "Authorization": f"Bearer {token}"})
        for schema, token in tokens.items()
    ]


def _spread(env: dict[str, str], database: str, tokens: dict[str, str]):
    """/me on one tenant and spread over all of them (interleaved), with the memory seen."""
    from core.testing.processes import gunicorn_server

    one = _me_requests(dict(list(tokens.items())[:1]))
    spread = _me_requests(tokens)
    random.Random(7).shuffle(spread)
    with gunicorn_server(env, workers=2, threads=1) as server, _MemoryWatch(database, server.pid) as memory:
        # every tenant once per worker first: the rounds compare steady states, not first visits
        _touch_each(server.url, spread)
        _touch_each(server.url, spread)
        drive(server.url, one, 1.0)
        results: dict[str, list] = {"one": [], "spread": []}
        for n in range(ROUNDS):
            for name in ("one", "spread") if n % 2 == 0 else ("spread", "one"):
                results[name].append(drive(server.url, one if name == "one" else spread, SECONDS))
    merged = {k: v[0] if len(v) == 1 else _merge(v) for k, v in results.items()}
    return merged, memory.backend, memory.worker


def _merge(results):
    total = results[0]
    for r in results[1:]:
        total = total.merge(r)
    return total


def _mb(value: int) -> str:
    return f"{value / 1024 / 1024:.0f} MB"


# --- nightly backups under a read load --------------------------------------------------------
def _read_load(url: str, tokens: dict[str, str], stop: threading.Event, latencies: list[float]) -> None:
    requests = _me_requests(tokens)
    with httpx.Client(base_url=url, timeout=30) as client:
        n = 0
        while not stop.is_set():
            req = requests[n % len(requests)]
            n += 1
            started = time.perf_counter()
            client.get(req.path, headers=req.headers)
            latencies.append(time.perf_counter() - started)


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


def _row_of(url: str, sql: str) -> tuple:
    """One row of one query, on a connection of its own to the bench database."""
    with closing(psycopg2.connect(url)) as conn, conn, conn.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone() if cursor.description else ()


def _backed_up(url: str) -> int:
    return _row_of(
        url,
        "SELECT count(*) FROM core_agendatenant WHERE tarea = 'backups' AND revisar_en > now() + interval '1 hour'",
    )[0]


def _night_zone() -> str:
    """A time zone where it is now past every tenant's default 03:00 schedule (and not near
    midnight): there, every tenant's nightly backup is due."""
    hour = time.gmtime().tm_hour
    for offset in range(-12, 13):
        if 5 <= (hour + offset) % 24 <= 20:
            return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"
    return "UTC"


def _tenant_count(url: str) -> int:
    return _row_of(url, "SELECT count(*) FROM core_tenant WHERE schema_name <> 'public'")[0]


def nightly(env: dict[str, str], read_tokens: dict[str, str]) -> list[dict]:
    worker_env = {
        **env,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE": f"bench_{os.getpid()}",
        "BACKUP_SWEEP_TENANTS": str(TENANTS + 100),
        "LOG_LEVEL": "WARNING",
        "TIME_ZONE": _night_zone(),
    }
    url = env["DATABASE_URL"]
    with gunicorn(env, workers=2, threads=1) as server:
        stop, quiet = threading.Event(), []
        reader = threading.Thread(target=_read_load, args=(server, read_tokens, stop, quiet))
        reader.start()
        time.sleep(SECONDS * 2)
        stop.set()
        reader.join()
        worker = celery_worker(worker_env, concurrency=2)
        try:
            stop, loaded = threading.Event(), []
            reader = threading.Thread(target=_read_load, args=(server, read_tokens, stop, loaded))
            started = time.perf_counter()
            manage(
                worker_env,
                "shell",
                "-c",
                "from backups.tasks import backups_programados; backups_programados()",
            )
            reader.start()
            expected = _tenant_count(url)
            while _backed_up(url) < expected:
                if worker.poll() is not None or time.perf_counter() - started > 4 * 3600:
                    raise RuntimeError("the nightly backups did not finish")
                time.sleep(1)
            elapsed = time.perf_counter() - started
            stop.set()
            reader.join()
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
    ratio = _p99(loaded) / _p99(quiet)
    night_limit = max(60.0, 1800 * TENANTS / 10_000)
    return [
        _row(
            f"nightly backup of all {expected} tenants (2 workers)",
            f"{elapsed:.0f} s",
            "",
            f"< {night_limit / 60:.0f} min" + ("" if TENANTS >= 10_000 else " (pro rata, 1 min at least)"),
            "PASS" if elapsed < night_limit else "FAIL",
        ),
        _row(
            "  reads on other tenants meanwhile: p99",
            f"{fmt_ms(_p99(quiet) * 1000)} quiet / {fmt_ms(_p99(loaded) * 1000)} during",
            f"{ratio:.2f}x",
            "<= 2x",
            "PASS" if ratio <= 2 else "FAIL",
        ),
    ]


# --- rolling out a new migration, killed half way ---------------------------------------------
def rollout(env: dict[str, str]) -> list[dict]:
    url = env["DATABASE_URL"]
    _row_of(
        url,
        "CREATE TABLE IF NOT EXISTS public.rollout_registro (schema_name text, en timestamptz DEFAULT now())",
    )
    roll_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings_rollout"}
    tokens = _op(env, "tokens", min(TENANTS - 1, 200))["tokens"]
    answers: Counter = Counter()
    stop = threading.Event()

    def load(base: str) -> None:
        schemas = list(tokens)
        with httpx.Client(base_url=base, timeout=60) as client:
            n = 0
            while not stop.is_set():
                schema = schemas[n % len(schemas)]
                headers = {"X-Tenant-ID": schema, "Authorization": f"Bearer {tokens[schema]}"}
                if n % 2:
                    r = client.post("/api/tickets/tickets/", headers=headers, json={"titulo": "durante"})
                else:
                    r = client.get("/api/tickets/tickets/", headers=headers)
                ok = r.status_code in (200, 201) or (
                    r.status_code == 503
                    and r.json().get("code") == "tenant_maintenance"
                    and r.headers.get("Retry-After")
                )
                answers["ok" if ok else str(r.status_code)] += 1
                n += 1

    def migrated() -> int:
        return _row_of(url, "SELECT count(*) FROM public.rollout_registro")[0]

    with gunicorn(env, workers=2, threads=2) as server:
        loader = threading.Thread(target=load, args=(server,))
        loader.start()
        started = time.perf_counter()
        first = subprocess.Popen([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=roll_env)
        while migrated() < (TENANTS + 1) // 2 and first.poll() is None:
            time.sleep(0.2)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        at_kill = migrated()
        manage(roll_env, "migrate", "-v", "0")
        elapsed = time.perf_counter() - started
        stop.set()
        loader.join()
    total, distinct = _row_of(
        url, "SELECT count(*), count(DISTINCT schema_name) FROM public.rollout_registro"
    )
    tenants = _tenant_count(url)
    # the template is migrated too (once): tenants + 1 rows, each schema once
    once = total == distinct == tenants + 1
    failures = sum(v for k, v in answers.items() if k != "ok")
    limit = max(30.0, 600 * TENANTS / 10_000)
    return [
        _row(
            f"new migration rolled out to {tenants} tenants, SIGKILLed at {at_kill}, rerun",
            f"{elapsed:.0f} s",
            "",
            f"< {limit / 60:.1f} min" + ("" if TENANTS >= 10_000 else " (pro rata, 30 s at least)"),
            ("PASS" if elapsed < limit and once else "FAIL") + f" (each schema migrated once: {once})",
        ),
        _row(
            "  API meanwhile (reads and writes on 200 tenants)",
            f"{sum(answers.values())} requests",
            "",
            "0 answers other than 2xx or 503 tenant_maintenance",
            ("PASS" if not failures else "FAIL") + f" ({dict(answers)})",
        ),
    ]


# BENCH_TENANTS_PARTS=ops,spread,... runs some of them (with BENCH_REUSE=1, on the databases an
# earlier run built)
PARTS = [p for p in os.environ.get("BENCH_TENANTS_PARTS", "").split(",") if p]


def _wanted(part: str) -> bool:
    return not PARTS or part in PARTS


def _writes(env: dict[str, str], database: str, tokens: dict[str, str], limit: str) -> int:
    """The largest backend's private memory while ticket writes (which always reach the
    database) spread over the tenants, with DB_MAX_SCHEMAS_PER_CONNECTION=limit."""
    from core.testing.processes import gunicorn_server

    requests = [
        Request(
            "POST",
            "/api/tickets/tickets/",
            {"X-Tenant-ID": s, "Authorization": f"Bearer {t}"},
            {"titulo": "memoria"},
        )
        for s, t in tokens.items()
    ]
    random.Random(11).shuffle(requests)
    server_env = {**env, "DB_MAX_SCHEMAS_PER_CONNECTION": limit, "DB_CONN_MAX_AGE": "600"}
    with (
        gunicorn_server(server_env, workers=2, threads=1) as server,
        _MemoryWatch(database, server.pid) as memory,
    ):
        drive(server.url, requests, SECONDS * 4)
    return memory.backend


def run(env: dict[str, str] | None = None) -> list[dict]:
    small_env, small_build = _prepare("saas_bench_t10", SMALL - 1)
    big_env, big_build = _prepare(f"saas_bench_t{TENANTS}", TENANTS - 1)
    small_db, big_db = "saas_bench_t10", f"saas_bench_t{TENANTS}"
    rows = [_row(f"build {TENANTS} bulk tenants", f"{big_build:.0f} s", verdict="(setup)")]

    if _wanted("noop"):
        noop = {
            name: _timed_manage(e, "migrate", "-v", "0")
            for name, e in (("small", small_env), ("big", big_env))
        }
        rows.append(
            _row(
                f"migrate with nothing to apply, {TENANTS} tenants",
                f"{noop['big']:.1f} s ({noop['small']:.1f} s at {SMALL})",
                f"{noop['big'] / noop['small']:.2f}x",
                "< 30 s",
                "PASS" if noop["big"] < 30 else "FAIL",
            )
        )
    if _wanted("ops"):
        for op, label, limit in (
            ("backup", "one tenant's backup", 1.5),
            ("restore", "restore of one tenant", 1.5),
            ("create", "tenant creation", 1.2),
        ):
            small, big = _op(small_env, op, 5)["seconds"], _op(big_env, op, 5)["seconds"]
            rows.append(_ratio_row(f"{label}, {TENANTS} vs {SMALL} tenants", small, big, limit))

    needs_tokens = any(_wanted(p) for p in ("spread", "memory", "nightly"))
    small_tokens = _op(small_env, "tokens", SMALL - 1)["tokens"] if needs_tokens else {}
    big_tokens = _op(big_env, "tokens", TENANTS - 1)["tokens"] if needs_tokens else {}
    if _wanted("spread"):
        _small_res, _small_backend, small_worker = _spread(small_env, small_db, small_tokens)
        big_res, _big_backend, big_worker = _spread(big_env, big_db, big_tokens)
        rps = big_res["spread"].rps / big_res["one"].rps
        p99 = big_res["spread"].pct(0.99) / big_res["one"].pct(0.99)
        rows.append(
            {
                "scenario": f"GET /me spread over {TENANTS} tenants vs 1 tenant (warm)",
                "req/s": f"{big_res['spread'].rps:.0f} / {big_res['one'].rps:.0f}",
                "p50": fmt_ms(big_res["spread"].pct(0.5)),
                "p99": f"{fmt_ms(big_res['spread'].pct(0.99))} / {fmt_ms(big_res['one'].pct(0.99))}",
                "ratio": f"{rps:.2f}x",
                "target": ">= 0.9x, p99 <= 1.5x",
                "verdict": ("PASS" if rps >= 0.9 and p99 <= 1.5 else "FAIL") + f" (p99 {p99:.2f}x)",
            }
        )
        rows.append(_ratio_row_mem("largest web worker RSS under that load", small_worker, big_worker))
    if _wanted("memory"):
        limit = os.environ.get("DB_MAX_SCHEMAS_PER_CONNECTION", "100")
        at_small = _writes(small_env, small_db, small_tokens, limit)
        with_policy = _writes(big_env, big_db, big_tokens, limit)
        without = _writes(big_env, big_db, big_tokens, "0")
        bound = at_small + int(limit) * 512 * 1024
        rows.append(
            _row(
                "largest PostgreSQL backend (private RSS), ticket writes spread over the tenants",
                f"{_mb(at_small)} at {SMALL} / {_mb(with_policy)} at {TENANTS} "
                f"(without the policy: {_mb(without)})",
                f"{with_policy / at_small:.2f}x",
                f"bounded: <= {_mb(bound)} ({limit} schemas a connection) whatever the tenants",
                # below the limit the policy never acts: only the bound is checked there
                "PASS"
                if with_policy <= bound and (TENANTS <= int(limit) or with_policy < without)
                else "FAIL",
            )
        )
    if _wanted("nightly"):
        rows += nightly(big_env, dict(list(big_tokens.items())[:50]))
        sweeps = _op(big_env, "sweeps")
        rows.append(
            _row(
                f"one run of each sweep with nothing due, {TENANTS} tenants",
                f"outbox {sweeps['outbox'] * 1000:.0f} ms, backups {sweeps['backups'] * 1000:.0f} ms",
                verdict="(cost per run)",
            )
        )
    if _wanted("rollout"):
        rows += rollout(big_env)
    return rows


def _ratio_row_mem(scenario: str, small: int, big: int) -> dict:
    ratio = big / small if small else 0.0
    return _row(
        scenario,
        f"{_mb(small)} at {SMALL} / {_mb(big)} at {TENANTS}",
        f"{ratio:.2f}x",
        "bounded (does not grow with tenants)",
        "PASS" if ratio <= 1.5 else "FAIL",
    )


def main() -> int:
    from bench.harness import table

    started = time.time()
    rows = run()
    print(table(rows))
    print(f"\n({time.time() - started:.0f} s)")
    return 1 if any("FAIL" in r["verdict"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
