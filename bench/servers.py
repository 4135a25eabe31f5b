"""The servers the bench compares, started the same way, and the CPU their workers spend.

`serve(kind, env)` runs the project (or a hello-world app) under one server with 2 worker
processes and yields a `Running` with its URL and the pids whose CPU is counted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psutil

from core.testing.processes import free_port, granian_command, serving

# the server `make run` and the production notes use (the cost section measured the others)
SERVER = os.environ.get("BENCH_SERVER", "granian")
PROJECT = "core.wsgi:application"
HELLO_WSGI = "bench.hello_wsgi:app"
HELLO_ASGI = "bench.hello_asgi:app"


def command(kind: str, app: str, port: int, workers: int) -> list[str]:
    bind = f"127.0.0.1:{port}"
    if kind == "gunicorn-sync":
        return [sys.executable, "-m", "gunicorn", app, "-b", bind, "-w", str(workers),
                "--worker-class", "sync", "--log-level", "warning"]  # fmt: skip
    if kind == "gunicorn-gthread":
        return [sys.executable, "-m", "gunicorn", app, "-b", bind, "-w", str(workers),
                "--worker-class", "gthread", "--threads", "4", "--keep-alive", "75",
                "--log-level", "warning"]  # fmt: skip
    if kind == "granian":
        threads = int(os.environ.get("BENCH_GRANIAN_THREADS", "4"))
        return granian_command(app, port, workers=workers, threads=threads)
    if kind == "uvicorn":
        return [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
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
    probe = "/health" if app == PROJECT else "/"
    with serving(command(kind, app, port, workers), env, port=port, probe=probe) as proc:
        yield Running(url=f"http://127.0.0.1:{port}", pid=proc.pid)


@contextmanager
def served(env: dict[str, str], *, app: str = PROJECT, workers: int = 2) -> Iterator[str]:
    """The project (or `app`) under SERVER; yields its URL."""
    with serve(SERVER, env, app=app, workers=workers) as running:
        yield running.url
