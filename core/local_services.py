"""Where PostgreSQL and Redis are when the environment does not say.

A fresh machine with only Python must still run the server and the tests, so when
DATABASE_URL is missing an embedded PostgreSQL (the `pgserver` package) is started with
its data under the project's `.data/` folder; when REDIS_URL is missing the Redis on
127.0.0.1:6379 is used if it answers, else the product runs without Redis.
"""

from __future__ import annotations

import os
import socket
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_REDIS = ("127.0.0.1", 6379)


def data_dir() -> Path:
    return Path(os.environ.get("DATA_DIR") or BASE_DIR / ".data")


def embedded_postgres_url() -> str:
    """Start (or reuse) the embedded PostgreSQL and return its URL."""
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
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


def embedded_postgres_bin_dir() -> Path | None:
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


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or embedded_postgres_url()


def redis_url() -> str | None:
    """REDIS_URL if set ('' or 'off' disables Redis), else the local one if it answers."""
    configured = os.environ.get("REDIS_URL")
    if configured is not None:
        return None if configured.strip().lower() in {"", "off", "none", "disabled"} else configured
    if redis_answers(*LOCAL_REDIS):
        return "redis://{}:{}/0".format(*LOCAL_REDIS)
    return None
