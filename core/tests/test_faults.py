"""Fault injection against a running server: PostgreSQL going away and coming back, Redis stopping
while the server runs. Each test has its own proxy or Redis: the shared ones stay up."""

import json
import subprocess
import sys
import time

import httpx
import pytest
import redis as redis_client
from django.conf import settings
from django.db import connection

from core.local_services import BASE_DIR
from core.testing.client import assert_error
from core.testing.factories import access_for
from core.testing.processes import RedisProcess, TcpProxy, gunicorn, server_env, session_database_url


def _through(proxy: TcpProxy) -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    return f"postgresql://{user}:{db.get('PASSWORD') or ''}@127.0.0.1:{proxy.port}/{db['NAME']}"


@pytest.fixture
def proxied_postgres():
    """A TCP proxy in front of PostgreSQL, and the environment of a server that goes through it
    and keeps its connections from one request to the next."""
    host, port = connection.settings_dict.get("HOST"), connection.settings_dict.get("PORT")
    if not host or str(host).startswith("/"):
        pytest.skip("the database is on a Unix socket (embedded PostgreSQL): no TCP proxy in between")
    proxy = TcpProxy((host, int(port))).start()
    try:
        yield proxy, server_env(DATABASE_URL=_through(proxy), DB_CONN_MAX_AGE="60", DB_CONNECT_TIMEOUT="2")
    finally:
        proxy.stop()


def test_postgresql_restart_fails_cleanly_and_recovers_without_restarting_the_server(
    admin_a, proxied_postgres
):
    proxy, env = proxied_postgres
    headers = {"X-Tenant-ID": "alfa", "Authorization": f"Bearer {access_for('alfa', admin_a.user)}"}
    with gunicorn(env, workers=1, threads=2) as url:
        assert httpx.get(f"{url}/api/tickets/tickets/", headers=headers).status_code == 200
        proxy.stop()  # PostgreSQL goes away, held connections die
        for path in ("/api/tickets/tickets/", "/api/usuarios/usuarios/"):
            assert_error(httpx.get(f"{url}{path}", headers=headers, timeout=20), 503, "service_unavailable")
        assert httpx.get(f"{url}/health", timeout=20).status_code == 503
        proxy.start()  # and comes back
        deadline = time.monotonic() + 20
        while httpx.get(f"{url}/health", timeout=20).status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert httpx.get(f"{url}/api/tickets/tickets/", headers=headers).status_code == 200
        created = httpx.post(
            f"{url}/api/tickets/tickets/", headers=headers, json={"titulo": "Tras el reinicio"}
        )
        assert created.status_code == 201


@pytest.mark.redis
def test_redis_stopping_while_the_server_runs_degrades_and_loses_nothing(admin_a):
    own = RedisProcess()
    if own.binary is None:
        pytest.fail("redis-server is needed for this test")
    own.start()
    env = server_env(REDIS_URL=own.url, DATABASE_URL=session_database_url())
    headers = {"X-Tenant-ID": "alfa", "Authorization": f"Bearer {access_for('alfa', admin_a.user)}"}
    try:
        with gunicorn(env, workers=1, threads=2) as url:
            first = httpx.post(
                f"{url}/api/tickets/tickets/", headers=headers, json={"titulo": "Antes"}
            ).json()
            httpx.get(f"{url}/api/tickets/tickets/{first['id']}/", headers=headers)  # cached now
            own.stop()  # Redis dies while the server runs
            assert httpx.get(f"{url}/health").json()["status"] == "degraded"
            read = httpx.get(f"{url}/api/tickets/tickets/{first['id']}/", headers=headers, timeout=20)
            assert read.status_code == 200 and read.json()["titulo"] == "Antes"
            during = httpx.post(
                f"{url}/api/tickets/tickets/", headers=headers, json={"titulo": "Durante"}, timeout=20
            )
            assert during.status_code == 201
            changed = httpx.patch(
                f"{url}/api/tickets/tickets/{first['id']}/",
                headers=headers,
                json={"titulo": "Cambiado"},
                timeout=20,
            )
            assert changed.status_code == 200
            own.start()
            subscriber = redis_client.Redis.from_url(own.url).pubsub(ignore_subscribe_messages=True)
            subscriber.subscribe(settings.EVENTS_CHANNEL)  # the server computes the same name
            subscriber.get_message(timeout=1)
            subprocess.run(
                [sys.executable, "manage.py", "entregar_eventos"],
                cwd=BASE_DIR,
                env=env,
                check=True,
                capture_output=True,
            )
            received = []
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                message = subscriber.get_message(timeout=0.1)
                if message:
                    received.append(json.loads(message["data"]))
            assert [e["ticket_id"] for e in received if e["evento"] == "ticket_creado"] == [
                during.json()["id"]
            ]
            # and the cache never served the old title after Redis came back
            assert (
                httpx.get(f"{url}/api/tickets/tickets/{first['id']}/", headers=headers).json()["titulo"]
                == "Cambiado"
            )
    finally:
        own.stop()


def test_a_write_after_its_held_connection_died_is_served_on_a_new_one(admin_a, proxied_postgres):
    """The write gate's lock stands in for Django's health check (a `SELECT 1` before a request's
    first query): a connection that died between requests is replaced, not answered 503."""
    proxy, env = proxied_postgres
    headers = {"X-Tenant-ID": "alfa", "Authorization": f"Bearer {access_for('alfa', admin_a.user)}"}
    with gunicorn(env, workers=1, threads=1) as url, httpx.Client(base_url=url, timeout=20) as client:
        for n in range(3):  # the worker's connection is held from one request to the next
            created = client.post("/api/tickets/tickets/", headers=headers, json={"titulo": f"A{n}"})
            assert created.status_code == 201
        proxy.stop()  # every held connection dies while nobody uses it
        proxy.start()
        created = client.post("/api/tickets/tickets/", headers=headers, json={"titulo": "Tras el corte"})
        assert created.status_code == 201, created.text
        assert client.get(f"/api/tickets/tickets/{created.json()['id']}/", headers=headers).status_code == 200
