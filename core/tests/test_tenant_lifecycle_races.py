"""A request for a tenant reaches that tenant's schema and nothing else at every moment of the
tenant's life: two server processes with threads, writers and readers of several kinds racing a
deletion (then a re-creation under the same name) and a restore. The public schema's tables that
share a name with a tenant table must come out unchanged, and no answer may be a 500."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from contextlib import ExitStack

import httpx
import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from core.models import Tenant
from core.testing.factories import PASSWORD, create_test_tenant, unique_email
from core.testing.processes import gunicorn, server_env

pytestmark = pytest.mark.redis

# What a racing request may get: done, its tenant gone (404) or its token dead (401), or the
# tenant paused for the operation (503). Never a 500, never a 400 from a half-gone schema.
ALLOWED = {200, 201, 401, 404, 503}


def shared_name_tables(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.tablename FROM pg_tables p JOIN pg_tables t ON t.tablename = p.tablename "
            "WHERE p.schemaname = 'public' AND t.schemaname = %s ORDER BY 1",
            [schema],
        )
        return [row[0] for row in cursor.fetchall()]


def public_fingerprint(tables: list[str]) -> dict[str, tuple[int, str]]:
    connection.set_schema_to_public()
    found = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) "
                f'FROM public."{table}" r'
            )
            found[table] = cursor.fetchone()
    return found


def platform_emails() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT lower(email) FROM public.usuarios_usuario")
        return {row[0] for row in cursor.fetchall()}


class Racers:
    """Threads sending requests of four kinds for one tenant to both servers until stopped,
    keeping every answer (status, code, body)."""

    def __init__(self, urls: list[str], schema: str, admin_token: str) -> None:
        self.urls = urls
        self.schema = schema
        self.admin_token = admin_token
        self.stop = threading.Event()
        self.answers: list[tuple[str, int, str]] = []
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._loop, args=(kind, n), daemon=True)
            for n in range(2)
            for kind in ("user_create", "register", "ticket_create", "user_list")
        ]

    def _request(self, client: httpx.Client, kind: str) -> httpx.Response:
        auth = {"X-Tenant-ID": self.schema, "Authorization": f"Bearer {self.admin_token}"}
        if kind == "user_create":
            body = {"email": unique_email("racer"), "password": PASSWORD, "nombre": "R", "rol": "admin"}
            return client.post("/api/usuarios/usuarios/", headers=auth, json=body)
        if kind == "register":
            body = {"email": unique_email("anon"), "password": PASSWORD, "nombre": "A", "apellido": "B"}
            return client.post("/api/auth/register/", headers={"X-Tenant-ID": self.schema}, json=body)
        if kind == "ticket_create":
            return client.post("/api/tickets/tickets/", headers=auth, json={"titulo": "En la carrera"})
        return client.get("/api/usuarios/usuarios/", headers=auth)

    def _loop(self, kind: str, n: int) -> None:
        clients = [httpx.Client(base_url=url, timeout=60) for url in self.urls]
        try:
            i = n
            while not self.stop.is_set():
                response = self._request(clients[i % len(clients)], kind)
                i += 1
                with self.lock:
                    self.answers.append((kind, response.status_code, response.text))
        finally:
            for client in clients:
                client.close()

    def __enter__(self) -> Racers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)

    def wait_for(self, status: int, *, since: int = 0, seconds: float = 120.0) -> int:
        """Until an answer with `status` arrives among those after the first `since`; how many
        answers there are by then (conditions, not sleeps: a loaded machine answers slowly)."""
        deadline = time.monotonic() + seconds
        while True:
            with self.lock:
                if any(answer[1] == status for answer in self.answers[since:]):
                    return len(self.answers)
            assert time.monotonic() < deadline, f"no {status} arrived: {self.statuses()}"
            time.sleep(0.05)

    def count(self) -> int:
        with self.lock:
            return len(self.answers)

    def statuses(self) -> Counter:
        return Counter((kind, status) for kind, status, _ in self.answers)

    def unexpected(self) -> list[tuple[str, int, str]]:
        return [a for a in self.answers if a[1] not in ALLOWED]


@pytest.fixture
def two_servers(backup_settings):
    env = server_env(
        BACKUP_STORAGE="filesystem",
        BACKUP_ROOT=backup_settings.BACKUP_ROOT,
        BACKUP_TMP_DIR=backup_settings.BACKUP_TMP_DIR,
        DB_CONN_MAX_AGE="60",
    )
    with ExitStack() as stack:
        yield [stack.enter_context(gunicorn(env, workers=1, threads=4)) for _ in range(2)]


@pytest.fixture
def racing_tenant(make_actor):
    schema = f"race_{uuid.uuid4().hex[:10]}"
    create_test_tenant(schema)
    admin = make_actor(schema, "admin")
    yield schema, admin
    connection.set_schema_to_public()
    if schema_exists(schema):
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    Tenant.objects.filter(schema_name=schema).delete()


def _warm(urls: list[str], schema: str, token: str) -> None:
    """Both processes know the tenant (their lookup caches hold it, as in production)."""
    for url in urls:
        for _ in range(3):
            me = httpx.get(
                f"{url}/api/usuarios/me/", headers={"X-Tenant-ID": schema, "Authorization": f"Bearer {token}"}
            )
            assert me.status_code == 200, me.text


def test_writes_racing_a_deletion_and_a_re_creation_never_reach_the_public_schema(
    two_servers, racing_tenant, operator
):
    schema, admin = racing_tenant
    tables = shared_name_tables(schema)
    assert "usuarios_usuario" in tables
    operators = platform_emails()
    before = public_fingerprint(tables)
    _warm(two_servers, schema, admin.token)
    first, second = two_servers
    ops = {"Authorization": f"Bearer {operator.token}"}
    with Racers(two_servers, schema, admin.token) as racers:
        racers.wait_for(201)  # writes going through
        deleted = httpx.request(
            "DELETE", f"{first}/api/tenants/{schema}/", headers=ops, json={"confirm": schema}, timeout=120
        )
        assert deleted.status_code == 200, deleted.text
        racers.wait_for(404, since=racers.count())  # the gap: the tenant is gone
        created = httpx.post(
            f"{first}/api/tenants/",
            headers=ops,
            json={
                "schema_name": schema,
                "nombre": "Otra",
                "admin": {"email": unique_email("otra"), "password": PASSWORD, "nombre": "Otra"},
            },
            timeout=120,
        )
        assert created.status_code == 201, created.text
        racers.wait_for(401, since=racers.count())  # the name exists again: old tokens refused
    assert public_fingerprint(tables) == before
    assert racers.unexpected() == [], racers.statuses()
    leaked = [a for a in racers.answers if a[0] == "user_list" and any(e in a[2].lower() for e in operators)]
    assert leaked == []
    # the old tenant's tokens are refused as tokens (401) by both processes once the name exists again
    for url in two_servers:
        me = httpx.get(
            f"{url}/api/usuarios/me/",
            headers={"X-Tenant-ID": schema, "Authorization": f"Bearer {admin.token}"},
        )
        assert me.status_code == 401, (url, me.text)


def test_writes_racing_a_restore_stay_in_the_tenant_and_a_login_after_it_works_everywhere(
    two_servers, racing_tenant
):
    schema, admin = racing_tenant
    tables = shared_name_tables(schema)
    before = public_fingerprint(tables)
    first, second = two_servers
    auth = {"X-Tenant-ID": schema, "Authorization": f"Bearer {admin.token}"}
    backup = httpx.post(
        f"{first}/api/backups/create/", headers=auth, json={"backup_type": "manual"}, timeout=120
    )
    assert backup.status_code == 201, backup.text
    backup_id = backup.json()["backup"]["id"]
    _warm(two_servers, schema, admin.token)
    with Racers(two_servers, schema, admin.token) as racers:
        racers.wait_for(201)
        restored = httpx.post(
            f"{first}/api/backups/history/{backup_id}/restore/",
            headers=auth,
            json={"confirm": schema},
            timeout=120,
        )
        assert restored.status_code == 200, restored.text
        # a login on the other process at once: its token works on both, from the first request
        login = httpx.post(
            f"{second}/api/auth/token/",
            headers={"X-Tenant-ID": schema},
            json={"email": admin.email, "password": PASSWORD},
        )
        assert login.status_code == 200, login.text
        fresh = {"X-Tenant-ID": schema, "Authorization": f"Bearer {login.json()['access']}"}
        for url in (first, second):
            me = httpx.get(f"{url}/api/usuarios/me/", headers=fresh)
            assert me.status_code == 200, (url, me.text)
        racers.wait_for(401, since=racers.count())  # the racers' sessions ended with the restore
    assert public_fingerprint(tables) == before
    assert racers.unexpected() == [], racers.statuses()
