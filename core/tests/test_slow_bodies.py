"""A client that sends its request body slowly, or stops half-way, never holds its tenant's write
gate: the tenant's other writes pass, and an operator's deletion does not wait for it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
import uuid
from contextlib import closing
from urllib.parse import urlsplit

import httpx
import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from core.models import Tenant
from core.testing.factories import PASSWORD, create_test_tenant, unique_email
from core.testing.processes import granian_server, gunicorn, nginx_in_front, server_env


def _half_sent(url: str, schema: str) -> tuple[socket.socket, bytes]:
    """An anonymous register whose headers and first half of the body are sent, then nothing."""
    body = json.dumps(
        {"email": unique_email("lento"), "password": PASSWORD, "nombre": "L", "apellido": "L"}
    ).encode()
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=60)
    head = (
        f"POST /api/auth/register/ HTTP/1.1\r\nHost: {parts.netloc}\r\nX-Tenant-ID: {schema}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    sock.sendall(head + body[: len(body) // 2])
    return sock, body[len(body) // 2 :]


def _answer(sock: socket.socket) -> tuple[int, dict]:
    data = b""
    while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, payload = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(payload)


@pytest.fixture
def slow_tenant(backup_settings):
    schema = f"lento_{uuid.uuid4().hex[:10]}"
    create_test_tenant(schema)
    yield schema
    connection.set_schema_to_public()
    if schema_exists(schema):
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    Tenant.objects.filter(schema_name=schema).delete()


def test_half_sent_bodies_do_not_hold_the_tenants_gate(slow_tenant, backup_settings, make_actor, operator):
    schema = slow_tenant
    admin = make_actor(schema, "admin")
    env = server_env(
        BACKUP_STORAGE="filesystem",
        BACKUP_ROOT=backup_settings.BACKUP_ROOT,
        BACKUP_TMP_DIR=backup_settings.BACKUP_TMP_DIR,
        # a deletion that had to wait for the slow clients would answer 409 tenant_busy after this
        TENANT_MAINTENANCE_WAIT_SECONDS="5",
    )
    with gunicorn(env, workers=1, threads=4) as url:
        slow = [_half_sent(url, schema) for _ in range(2)]
        with closing(slow[0][0]), closing(slow[1][0]):
            time.sleep(0.5)  # both are inside the server, waiting for the rest of their body
            auth = {"X-Tenant-ID": schema, "Authorization": f"Bearer {admin.token}"}
            ticket = httpx.post(
                f"{url}/api/tickets/tickets/", headers=auth, json={"titulo": "Pasa"}, timeout=30
            )
            assert ticket.status_code == 201, ticket.text
            deleted = httpx.request(
                "DELETE",
                f"{url}/api/tenants/{schema}/",
                headers={"Authorization": f"Bearer {operator.token}"},
                json={"confirm": schema},
                timeout=60,
            )
            assert deleted.status_code == 200, deleted.text
            # the rest of a body arrives after the tenant is gone: its tenant is not found
            sock, rest = slow[0]
            sock.sendall(rest)
            status, body = _answer(sock)
            assert (status, body["code"]) == (404, "tenant_not_found")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM public.usuarios_usuario WHERE email LIKE 'lento%%'")
        assert cursor.fetchone()[0] == 0


@pytest.fixture
def nginx_binary():
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if binary is None:
        if os.environ.get("REQUIRE_NGINX"):
            pytest.fail("REQUIRE_NGINX is set but nginx is not installed")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    return binary


def test_behind_the_recommended_proxy_slow_clients_hold_no_worker_and_are_cut_off(
    nginx_binary, admin_a, tenant_a
):
    """granian as `make run` serves it (2 workers x 4 threads), behind docs/deploy/nginx.conf:
    more half-sent bodies than the workers have threads, and /health and the tenant's writes are
    answered all the same; the stalled clients are cut off (nginx logs 408 and closes the
    connection) once they send nothing for the configured client_body_timeout."""
    with granian_server(server_env(), workers=2, threads=4) as port, nginx_in_front(port) as url:
        slow = [_half_sent(url, tenant_a.schema_name) for _ in range(12)]
        try:
            time.sleep(0.5)
            assert httpx.get(f"{url}/health", timeout=30).status_code == 200
            auth = {"X-Tenant-ID": tenant_a.schema_name, "Authorization": f"Bearer {admin_a.token}"}
            created = httpx.post(
                f"{url}/api/tickets/tickets/", headers=auth, json={"titulo": "Sin esperar"}, timeout=30
            )
            assert created.status_code == 201, created.text
            for sock, _rest in slow:
                assert (
                    sock.recv(65536) == b""
                )  # closed by nginx, not waiting on forever (60 s socket timeout)
        finally:
            for sock, _rest in slow:
                sock.close()
