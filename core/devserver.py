"""`make run`: prepare the database and the demo, then serve with granian and a Celery worker,
and stop them all on one Ctrl-C.

Run through `core.local_services` (which provides DATABASE_URL and REDIS_URL, and stops the
embedded PostgreSQL it started once this ends):

    python -m core.local_services python -m core.devserver --port 8000 --workers 2

The server and the worker run in process groups of their own, so a Ctrl-C at the terminal reaches
this supervisor only: granian's workers, signalled by the terminal beside their main process, wait
on their keep-alive connections (seen hanging for minutes), while granian's main process, signalled
alone, stops them in well under a second. The supervisor then signals each as it should be
(granian SIGINT, Celery a warm shutdown), waits STOP_SECONDS at most, kills what is left, and
exits 0.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
STOP_SECONDS = 8.0


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, check=True)


def _start(command: list[str]) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True)


def _stop(proc: subprocess.Popen, sig: signal.Signals, deadline: float) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the group: its workers with it
        proc.wait()


def _redis_configured() -> bool:
    return os.environ.get("REDIS_URL", "off") not in ("", "off")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.devserver")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    parser.add_argument("--workers", type=int, default=2)
    opts = parser.parse_args(argv)

    stopping = False

    def request_stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    # before anything starts: a Ctrl-C during the set-up stops it cleanly too
    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        _manage("migrate", "--noinput", "-v", "0")
        _manage("collectstatic", "--noinput", "-v", "0")
        _manage("preparar_demo", "--port", str(opts.port))
    except subprocess.CalledProcessError as exc:
        return 0 if stopping else exc.returncode or 1
    if stopping:
        return 0

    children: list[tuple[subprocess.Popen, signal.Signals]] = []
    if _redis_configured():
        schedule = BASE_DIR / ".data" / "celerybeat-schedule"
        schedule.parent.mkdir(exist_ok=True)
        worker = [sys.executable, "-m", "celery", "-A", "core", "worker", "-B", "-l", "warning"]
        worker += ["-s", str(schedule), "--concurrency", "2"]
        print(f"Celery worker (con beat): {' '.join(worker[2:])}", flush=True)
        children.append((_start(worker), signal.SIGTERM))  # warm shutdown: running tasks finish
    else:
        print("Sin Redis: las tareas se ejecutan en línea.", flush=True)
    server = [sys.executable, "-m", "granian", "--interface", "wsgi", "core.wsgi:application"]
    server += ["--host", "127.0.0.1", "--port", str(opts.port), "--workers", str(opts.workers)]
    server += ["--blocking-threads", "4", "--respawn-failed-workers", "--no-ws", "--access-log"]
    children.append((_start(server), signal.SIGINT))

    while not stopping and all(proc.poll() is None for proc, _sig in children):
        time.sleep(0.2)
    deadline = time.monotonic() + STOP_SECONDS
    for proc, sig in reversed(children):  # the server first: no request reaches a dead worker
        _stop(proc, sig, deadline)
    if stopping:
        print("Servidor y worker detenidos.", flush=True)
        return 0
    return next((proc.returncode for proc, _sig in children if proc.returncode), 1)


if __name__ == "__main__":
    raise SystemExit(main())
