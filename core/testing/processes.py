"""Real server processes for tests that need their own environment (Redis or DB down...)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from urllib.parse import quote

import httpx

from core.local_services import BASE_DIR


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_database_url() -> str:
    """The URL of the database this test session uses (the per-worker test database)."""
    from django.db import connection

    db = connection.settings_dict
    user = quote(db.get("USER") or "")
    password = quote(db.get("PASSWORD") or "")
    host = db.get("HOST") or ""
    port = db.get("PORT") or ""
    auth = f"{user}:{password}@" if user else ""
    if host.startswith("/"):
        return f"postgresql://{auth}/{db['NAME']}?host={host}"
    return f"postgresql://{auth}{host}:{port}/{db['NAME']}"


def server_env(**overrides: str) -> dict[str, str]:
    """The test settings on the test database, with these variables changed."""
    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "core.settings_test",
        "DATABASE_URL": session_database_url(),
        "REDIS_URL": settings.REDIS_URL or "off",
        "ENV_FILE": os.devnull,
    }
    env.pop("CITUS_DATABASE_URL", None)  # DATABASE_URL already names the test database
    env.update(overrides)
    return env


@contextmanager
def gunicorn(env: dict[str, str], **options):
    """A gunicorn serving the project with this environment; yields its base URL."""
    with gunicorn_server(env, **options) as server:
        yield server.url


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def worker_pids(self) -> list[int]:
        """The master's worker processes as they are now (a restarted worker has a new pid)."""
        with open(f"/proc/{self.pid}/task/{self.pid}/children") as f:
            return sorted(int(p) for p in f.read().split())


@contextmanager
def serving(command: list[str], env: dict[str, str], *, port: int, probe: str = "/health"):
    """A server started with `command`, waited for until `probe` answers on `port`; yields the
    process. Its output goes to a file, not a pipe: nobody reads a pipe while the server runs,
    and a server logging many errors (Redis cut) would block on a full one."""
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}{probe}", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(
                        f"{' '.join(command[:3])} did not start: {log.read().decode()[-2000:]}"
                    ) from None
                time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextmanager
def gunicorn_server(
    env: dict[str, str],
    *,
    port: int | None = None,
    workers: int = 1,
    threads: int = 4,
    app: str = "core.wsgi:application",
):
    """As `gunicorn`, yielding the `Server` (its URL and master pid)."""
    port = port or free_port()
    command = [
        sys.executable, "-m", "gunicorn", app, "-b", f"127.0.0.1:{port}", "-w", str(workers),
        "--threads", str(threads), "--timeout", "120", "--log-level", "warning",
    ]  # fmt: skip
    with serving(command, env, port=port) as proc:
        yield Server(url=f"http://127.0.0.1:{port}", pid=proc.pid)


def granian_command(app: str, port: int, *, workers: int, threads: int) -> list[str]:
    """granian serving `app` as `make run` does."""
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi", app, "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(workers), "--blocking-threads", str(threads),
        "--respawn-failed-workers", "--no-ws", "--log-level", "warning",
    ]  # fmt: skip


@contextmanager
def granian(env: dict[str, str], *, workers: int = 1, threads: int = 4):
    """The production server (`make run`) serving the project; yields its base URL."""
    port = free_port()
    with serving(
        granian_command("core.wsgi:application", port, workers=workers, threads=threads), env, port=port
    ):
        yield f"http://127.0.0.1:{port}"


@contextmanager
def granian_server(env: dict[str, str], *, workers: int = 1, threads: int = 4):
    """As `granian`, yielding its port."""
    port = free_port()
    with serving(
        granian_command("core.wsgi:application", port, workers=workers, threads=threads), env, port=port
    ):
        yield port


@contextmanager
def nginx_in_front(upstream_port: int):
    """nginx with the server block the production notes ship (docs/deploy/nginx.conf), listening
    on a free port and passing on to `upstream_port`; yields its base URL."""
    import shutil

    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    shipped = (BASE_DIR / "docs" / "deploy" / "nginx.conf").read_text()
    port = free_port()
    server = shipped.replace("listen 80;", f"listen 127.0.0.1:{port};").replace(
        "server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"
    )
    with tempfile.TemporaryDirectory() as prefix:
        conf = os.path.join(prefix, "nginx.conf")
        with open(conf, "w") as f:
            f.write(
                f"pid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\nevents {{ worker_connections 256; }}\n"
                f"http {{\naccess_log off;\nclient_body_temp_path {prefix}/body;\nproxy_temp_path {prefix}/proxy;\n"
                f"{server}\n}}\n"
            )
        command = [binary, "-p", prefix, "-c", conf, "-g", "daemon off; master_process off;"]
        with serving(command, dict(os.environ), port=port):
            yield f"http://127.0.0.1:{port}"


class RedisProcess:
    """A Redis server of the test's own, on a free port, that the test can stop and restart
    (the shared Redis must stay up for the other tests)."""

    def __init__(self) -> None:
        import shutil

        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> RedisProcess:
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


class TcpProxy:
    """A TCP proxy on a fixed local port: `stop()` drops every connection and refuses new ones
    (an outage, a server restart), `start()` brings it back on the same address."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        import threading

        self.upstream = upstream
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None

    def start(self) -> TcpProxy:
        import threading

        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        import threading

        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                with suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        if self._listener:
            # shutdown() wakes the thread blocked in accept(); close() alone does not on Linux
            with suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for s in self._sockets:
                with suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
            self._sockets.clear()


def celery_worker(env: dict[str, str], *, concurrency: int = 0) -> subprocess.Popen:
    """A Celery worker process with this environment: one task at a time (the solo pool), or
    `concurrency` prefork processes."""
    pool = ["--concurrency", str(concurrency)] if concurrency else ["--pool", "solo"]
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "core",
            "worker",
            *pool,
            "-l",
            "warning",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
