"""Development entry point: where PostgreSQL and Redis are when the environment does not say.

Settings read the environment and nothing else. The development commands (`make run`, `make
test`, `make bench`...) run through this module instead, which fills in what is missing and then
runs the command:

    python -m core.local_services <command> [args...]

- no DATABASE_URL: an embedded PostgreSQL (the `pgserver` package) is started, or reused, with its
  data under `.data/postgres`, and its URL exported;
- no REDIS_URL: the Redis on 127.0.0.1:6379 if it answers, else REDIS_URL=off (no Redis).

An embedded PostgreSQL that this run started is stopped when the command ends (Ctrl-C included);
one that was already running is left as it was. `python -m core.local_services --stop` (`make
stop`) stops it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_REDIS = ("127.0.0.1", 6379)


def data_dir() -> Path:
    return Path(os.environ.get("DATA_DIR") or BASE_DIR / ".data")


def _quiet_runtime_dir() -> None:
    # pgserver asks platformdirs for a runtime directory, which warns on every command where
    # XDG_RUNTIME_DIR is unset (a container, a CI job, sudo): a fallback, nothing to act on
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def embedded_postgres_url() -> str:
    """Start (or reuse) the embedded PostgreSQL and return its URL."""
    _quiet_runtime_dir()
    try:
        import pgserver
    except ImportError as exc:  # pragma: no cover - pgserver is in requirements
        raise RuntimeError("DATABASE_URL no está definido y el paquete pgserver no está instalado.") from exc
    pg_dir = data_dir() / "postgres"
    pg_dir.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives the command that started it, so
    # `migrate` followed by `gunicorn` reuse one running server.
    server = pgserver.get_server(pg_dir, cleanup_mode=None)
    return server.get_uri()


def embedded_postgres_pid() -> int | None:
    """The embedded PostgreSQL's postmaster, if it is running."""
    try:
        pid = int((data_dir() / "postgres" / "postmaster.pid").read_text().split()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return None
    return pid


def stop_embedded_postgres(timeout: float = 60) -> bool:
    """Stop the embedded PostgreSQL (a fast shutdown: SIGINT to the postmaster); False if it was
    not running."""
    pid = embedded_postgres_pid()
    if pid is None:
        return False
    os.kill(pid, signal.SIGINT)
    deadline = time.monotonic() + timeout
    while embedded_postgres_pid() == pid and time.monotonic() < deadline:
        time.sleep(0.1)
    return True


def embedded_postgres_bin_dir() -> Path | None:
    """The embedded PostgreSQL's programs (pg_dump), when the package is installed."""
    _quiet_runtime_dir()
    try:
        import pgserver
    except ImportError:
        return None
    path = Path(pgserver.__file__).parent / "pginstall" / "bin"
    return path if path.is_dir() else None


def redis_answers(host: str, port: int, timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def development_environment(environ: dict[str, str]) -> dict[str, str]:
    """The environment with DATABASE_URL and REDIS_URL filled in for development."""
    env = dict(environ)
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = embedded_postgres_url()
    if "REDIS_URL" not in env:
        # development's own database (DEV_REDIS_DB, 1): the tests and CI use 0
        db = env.get("DEV_REDIS_DB") or "1"
        env["REDIS_URL"] = (
            "redis://{}:{}/{}".format(*LOCAL_REDIS, db) if redis_answers(*LOCAL_REDIS) else "off"
        )
    return env


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit("uso: python -m core.local_services <orden> [argumentos...] | --stop")
    if argv == ["--stop"]:
        stopped = stop_embedded_postgres()
        print("PostgreSQL embebido detenido." if stopped else "El PostgreSQL embebido no estaba en marcha.")
        return
    starts_it = not os.environ.get("DATABASE_URL") and embedded_postgres_pid() is None
    env = development_environment(dict(os.environ))
    if not starts_it:
        os.execvpe(argv[0], argv, env)
    # This run started the embedded PostgreSQL: the command runs as a child, and PostgreSQL
    # stops when it ends. Ctrl-C reaches the command from the terminal; here it only waits.
    signal.signal(signal.SIGINT, lambda *_: None)
    try:
        proc = subprocess.Popen(argv, env=env)
    except OSError as exc:
        stop_embedded_postgres()
        raise SystemExit(f"{argv[0]}: {exc}") from exc
    signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    code = proc.wait()
    stop_embedded_postgres()
    raise SystemExit(code)


if __name__ == "__main__":
    main(sys.argv[1:])
