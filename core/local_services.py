"""Development entry point: where PostgreSQL and Redis are when the environment does not say.

Settings read the environment and nothing else. The development commands (`make run`, `make
test`, `make bench`...) run through this module instead, which fills in what is missing and then
runs the command:

    python -m core.local_services <command> [args...]

- no DATABASE_URL: an embedded PostgreSQL (the `pgserver` package) is started, or reused, with its
  data under `.data/postgres`, and its URL exported;
- no REDIS_URL: the Redis on 127.0.0.1:6379 if it answers, else REDIS_URL=off (no Redis).
"""

from __future__ import annotations

import os
import socket
import sys
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
    """The embedded PostgreSQL's programs (pg_dump), when the package is installed."""
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
        env["REDIS_URL"] = "redis://{}:{}/0".format(*LOCAL_REDIS) if redis_answers(*LOCAL_REDIS) else "off"
    return env


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit("uso: python -m core.local_services <orden> [argumentos...]")
    os.execvpe(argv[0], argv, development_environment(dict(os.environ)))


if __name__ == "__main__":
    main(sys.argv[1:])
