"""Backups benchmarks: backup time vs a raw pg_dump of the same schema, and the server's peak
memory while creating and downloading a large backup (against a smaller one: flat, not growing)."""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time

import httpx
import psutil

from core.testing.processes import gunicorn

ROWS = int(os.environ.get("BENCH_BACKUP_ROWS", "500000"))
BIG_ROWS = int(os.environ.get("BENCH_BACKUP_BIG_ROWS", "1500000"))
PASSWORD = "Bench-Clave-Segura-2026"


def _insert_rows(cursor, schema: str, count: int, user_id: int) -> None:
    cursor.execute(
        f'INSERT INTO "{schema}".tickets_ticket (id, usuario_id, titulo, descripcion, estado, prioridad, '  # noqa: S608
        "fecha_creacion, fecha_actualizacion) SELECT gen_random_uuid(), %s, 'Ticket ' || g, repeat('x', 120), "
        "'abierto', 'media', now(), now() FROM generate_series(1, %s) g",
        [user_id, count],
    )


def backup_vs_raw_dump() -> list[dict[str, str]]:
    from django.db import connection
    from django_tenants.utils import schema_context

    from backups import services
    from core.schema_copy import _connection_env, find_pg_dump
    from usuarios.models import Usuario

    with schema_context("bench"):
        admin = Usuario.objects.get(email="admin@bench.test")
    with connection.cursor() as cursor:
        _insert_rows(cursor, "bench", ROWS, admin.pk)
        cursor.execute('SELECT count(*) FROM "bench".tickets_ticket')
        rows = cursor.fetchone()[0]
    binary = find_pg_dump()
    args, env = _connection_env()
    raw, ours = [], []
    for _ in range(3):
        started = time.perf_counter()
        with open(os.devnull, "wb") as null:
            subprocess.run(
                [binary, "--schema", "bench", "--no-owner", "--no-privileges", *args],
                stdout=null,
                env=env,
                check=True,
            )
        raw.append(time.perf_counter() - started)
        with schema_context("bench"):
            started = time.perf_counter()
            record, _ = services.backup_create(allow_async=False)
            ours.append(time.perf_counter() - started)
            services.backup_delete(record_id=record.pk)
    ratio = statistics.median(raw) / statistics.median(ours)
    return [
        {
            "scenario": f"raw pg_dump --schema to /dev/null, {rows:,} rows (baseline)",
            "req/s": "",
            "p50": f"{statistics.median(raw):.2f} s",
            "p99": "",
            "ratio": "1.00x",
            "target": "",
            "verdict": "",
        },
        {
            "scenario": "backup (pg_dump + gzip + sha256 + store), same schema",
            "req/s": "",
            "p50": f"{statistics.median(ours):.2f} s",
            "p99": "",
            "ratio": f"{ratio:.2f}x",
            "target": ">= 0.8x speed",
            "verdict": "PASS" if ratio >= 0.8 else "FAIL",
        },
    ]


class PeakRss:
    """Samples the RSS of a process tree every 20 ms."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
                self.peak = max(self.peak, max(p.memory_info().rss for p in procs if p.name() != "pg_dump"))
            except psutil.Error:
                pass
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _worker_pid(port: int) -> int:
    for proc in psutil.process_iter(["cmdline"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        if "gunicorn" in cmd and f":{port}" in cmd:
            return proc.pid
    raise RuntimeError("gunicorn not found")


def server_memory(env: dict[str, str]) -> list[dict[str, str]]:
    from django.db import connection

    from core.testing.processes import free_port

    env = {
        **env,
        "BACKUP_COMPRESSION": "false",
        "BACKUP_SYNC_MAX_BYTES": str(10**12),
        "BACKUP_ROOT": "/tmp/bench-backups",
    }
    rows = []
    port = free_port()
    with gunicorn(env, port=port, workers=1, threads=1) as url:
        login = httpx.post(
            f"{url}/api/auth/token/",
            headers={"X-Tenant-ID": "bench"},
            json={"email": "admin@bench.test", "password": PASSWORD},
        )
        headers = {"X-Tenant-ID": "bench", "Authorization": f"Bearer {login.json()['access']}"}
        pid = _worker_pid(port)
        peaks = {}
        for label, extra in (("smaller", 0), ("large", BIG_ROWS)):
            if extra:
                with connection.cursor() as cursor:
                    cursor.execute('SELECT usuario_id FROM "bench".tickets_ticket LIMIT 1')
                    _insert_rows(cursor, "bench", extra, cursor.fetchone()[0])
            with PeakRss(pid) as create_peak:
                created = httpx.post(
                    f"{url}/api/backups/create/", headers=headers, json={"backup_type": "manual"}, timeout=600
                )
            created.raise_for_status()
            backup_id = created.json()["backup"]["id"]
            size_mb = created.json()["backup"]["file_size_mb"]
            with PeakRss(pid) as download_peak:
                total = 0
                with httpx.stream(
                    "GET", f"{url}/api/backups/history/{backup_id}/download/", headers=headers, timeout=600
                ) as r:
                    for chunk in r.iter_bytes(1024 * 1024):
                        total += len(chunk)
            httpx.delete(f"{url}/api/backups/history/{backup_id}/", headers=headers)
            peaks[label] = (size_mb, create_peak.peak / 1048576, download_peak.peak / 1048576)
    small, large = peaks["smaller"], peaks["large"]
    growth = max(large[1], large[2]) / max(small[1], small[2])
    ok = large[0] >= 200 and max(large[1], large[2]) < 150 and growth < 1.2
    rows.append(
        {
            "scenario": f"server peak RSS, {small[0]:.0f} MB backup: create / download",
            "req/s": "",
            "p50": f"{small[1]:.0f} MB",
            "p99": f"{small[2]:.0f} MB",
            "ratio": "1.00x",
            "target": "",
            "verdict": "",
        }
    )
    rows.append(
        {
            "scenario": f"server peak RSS, {large[0]:.0f} MB backup: create / download",
            "req/s": "",
            "p50": f"{large[1]:.0f} MB",
            "p99": f"{large[2]:.0f} MB",
            "ratio": f"{growth:.2f}x",
            "target": "< 150 MB, flat",
            "verdict": "PASS" if ok else "FAIL",
        }
    )
    return rows


def run(env: dict[str, str]) -> list[dict[str, str]]:
    return backup_vs_raw_dump() + server_memory(env)
