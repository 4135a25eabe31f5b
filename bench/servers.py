"""The servers the bench compares, started the same way, and the CPU their workers spend.

`serve(kind, env)` runs the project (or a hello-world app) under one server with 2 worker
processes and yields a `Running` with its URL and the pids whose CPU is counted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import psutil

from core.testing.processes import BASE_DIR, free_port

# the server `make run` and the production notes use (the cost section measured the others)
SERVER = os.environ.get("BENCH_SERVER", "granian")
PROJECT = "core.wsgi:application"
HELLO_WSGI = "bench.hello_wsgi:app"
HELLO_ASGI = "bench.hello_asgi:app"


def command(kind: str, app: str, port: int, workers: int) -> list[str]:
    bind = ["127.0.0.1", str(port)]
    if kind == "gunicorn-sync":
        return [sys.executable, "-m", "gunicorn", app, "-b", ":".join(bind), "-w", str(workers),
                "--worker-class", "sync", "--log-level", "warning"]  # fmt: skip
    if kind == "gunicorn-gthread":
        return [sys.executable, "-m", "gunicorn", app, "-b", ":".join(bind), "-w", str(workers),
                "--worker-class", "gthread", "--threads", "4", "--keep-alive", "75",
                "--log-level", "warning"]  # fmt: skip
    if kind == "granian":
        return [sys.executable, "-m", "granian", "--interface", "wsgi", app, "--host", bind[0],
                "--port", bind[1], "--workers", str(workers), "--blocking-threads", os.environ.get("BENCH_GRANIAN_THREADS", "4"),
                "--log-level", "warning", "--no-ws"]  # fmt: skip
    if kind == "uvicorn":
        return [sys.executable, "-m", "uvicorn", app, "--host", bind[0], "--port", bind[1],
                "--workers", str(workers), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    raise ValueError(kind)


@dataclass
class Running:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """user + system CPU of the server and all its workers so far."""
        parent = psutil.Process(self.pid)
        total = 0.0
        for proc in [parent, *parent.children(recursive=True)]:
            try:
                times = proc.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total


@contextmanager
def serve(kind: str, env: dict[str, str], *, app: str = PROJECT, workers: int = 2) -> Iterator[Running]:
    port = free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        command(kind, app, port, workers), cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    probe = "/health" if app == PROJECT else "/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + probe, timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"{kind} did not start: {log.read().decode()[-2000:]}") from None
                time.sleep(0.2)
        yield Running(url=url, pid=proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextmanager
def served(env: dict[str, str], *, app: str = PROJECT, workers: int = 2) -> Iterator[str]:
    """The project (or `app`) under SERVER; yields its URL."""
    with serve(SERVER, env, app=app, workers=workers) as running:
        yield running.url
