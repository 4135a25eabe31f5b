"""Rolling a new migration out to every tenant: real processes on a database of their own, one
killed with SIGKILL half way; per-tenant status; a tenant that fails does not stop the others;
and `migrate` with nothing to apply visits no tenant schema."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from contextlib import closing

import httpx
import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from core.local_services import BASE_DIR
from core.testing.factories import PASSWORD
from core.testing.processes import gunicorn, server_env, session_database_url

TENANTS = [f"r{i:02d}" for i in range(10)]


def _query(url: str, sql: str, params=None) -> list[tuple]:
    with closing(psycopg2.connect(url)) as conn, conn, conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _manage(env: dict[str, str], *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        **kw,
    )


@pytest.fixture
def rollout_db():
    """A database of its own, migrated, with TENANTS made by `tenant_create`."""
    name = f"rollout_{uuid.uuid4().hex[:8]}"
    admin_url = session_database_url()
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    _query(admin_url, "SELECT 1")
    with closing(psycopg2.connect(admin_url)) as conn:
        conn.autocommit = True
        conn.cursor().execute(f'CREATE DATABASE "{name}"')
    env = server_env(DATABASE_URL=url)
    try:
        made = _manage(env, "migrate", "-v", "0")
        assert made.returncode == 0, made.stderr
        script = (
            "import django; django.setup()\n"
            "from core.testing.factories import create_test_tenant\n"
            f"for schema in {TENANTS!r}: create_test_tenant(schema)\n"
        )
        tenants = subprocess.run(
            [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
        )
        assert tenants.returncode == 0, tenants.stderr
        _query(
            url,
            "CREATE TABLE public.rollout_registro (schema_name text NOT NULL, en timestamptz DEFAULT now())",
        )
        yield url
    finally:
        with closing(psycopg2.connect(admin_url)) as conn:
            conn.autocommit = True
            conn.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rollout_env(url: str, pause: float) -> dict[str, str]:
    return server_env(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="core.testing.settings_rollout",
        PGOPTIONS=f"-c rollout.pause={pause}",
    )


def _schema_state(url: str, schema: str) -> tuple[bool, bool, bool]:
    """(has the column, has the index, records the migration) for one schema."""
    column = _query(
        url,
        "SELECT 1 FROM information_schema.columns WHERE table_schema = %s AND table_name = 'tickets_ticket' "
        "AND column_name = 'nota_rollout'",
        [schema],
    )
    index = _query(
        url,
        "SELECT 1 FROM pg_indexes WHERE schemaname = %s AND indexname = 'ticket_nota_rollout_idx'",
        [schema],
    )
    recorded = _query(url, f'SELECT 1 FROM "{schema}".django_migrations WHERE app = %s', ["rollout_prueba"])
    return bool(column), bool(index), bool(recorded)


def _migrated_count(url: str) -> Counter:
    return Counter(
        s for (s,) in _query(url, "SELECT schema_name FROM public.rollout_registro") if s in TENANTS
    )


class _Load:
    """Readers and writers on every tenant, through a real server, while the rollout runs."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.stop = threading.Event()
        self.answers: Counter = Counter()
        self.bad: list[str] = []
        self.tokens = {}
        for schema in TENANTS:
            login = httpx.post(
                f"{url}/api/auth/token/",
                headers={"X-Tenant-ID": schema},
                json={"email": f"admin@{schema}.test", "password": PASSWORD},
                timeout=30,
            )
            login.raise_for_status()
            self.tokens[schema] = login.json()["access"]
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            n = 0
            while not self.stop.is_set():
                schema = TENANTS[n % len(TENANTS)]
                headers = {"X-Tenant-ID": schema, "Authorization": f"Bearer {self.tokens[schema]}"}
                if n % 2:
                    response = client.post(
                        "/api/tickets/tickets/", headers=headers, json={"titulo": f"carga {n}"}
                    )
                else:
                    response = client.get("/api/tickets/tickets/", headers=headers)
                n += 1
                self.answers[response.status_code] += 1
                if response.status_code == 503:
                    body = response.json()
                    if body.get("code") != "tenant_maintenance" or not response.headers.get("Retry-After"):
                        self.bad.append(response.text)
                elif response.status_code not in (200, 201):
                    self.bad.append(f"{response.status_code} {response.text[:300]}")

    def __enter__(self) -> _Load:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def test_a_rollout_killed_half_way_resumes_and_migrates_every_tenant_exactly_once(rollout_db):
    url = rollout_db
    env = _rollout_env(url, pause=0.3)
    with gunicorn(server_env(DATABASE_URL=url), workers=1, threads=4) as server, _Load(server) as load:
        run = subprocess.Popen(
            [sys.executable, "manage.py", "migrate_tenants", "--workers", "2"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while sum(_migrated_count(url).values()) < 3 and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.02)
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        time.sleep(0.5)  # the killed run's workers die with it; their transactions roll back

        first = _migrated_count(url)
        assert 3 <= sum(first.values()) < len(TENANTS)
        for schema in TENANTS:
            # all of it or none of it, never half
            assert _schema_state(url, schema) in ((True, True, True), (False, False, False)), schema

        again = _manage(env, "migrate_tenants", "--workers", "2")
        assert again.returncode == 0, again.stderr
        assert f"Tenants por migrar: {len(TENANTS) - sum(first.values())}" in again.stdout
        time.sleep(0.3)

    assert _migrated_count(url) == Counter(dict.fromkeys(TENANTS, 1))
    assert all(_schema_state(url, schema) == (True, True, True) for schema in TENANTS)
    status = _manage(env, "migrate_tenants", "--status")
    assert (
        f"Tenants: {len(TENANTS)}, al día: {len(TENANTS)}" in status.stdout
        and "Pendientes: 0" in status.stdout
    )
    # the API kept serving: reads waited for the DDL at most, writes were told to retry
    assert load.answers[200] and load.answers[201], load.answers
    assert not load.bad, load.bad[:3]


def test_a_tenant_that_fails_is_reported_the_others_go_on_and_the_next_run_retries_it(rollout_db):
    url = rollout_db
    env = _rollout_env(url, pause=0)
    # one tenant already has the column by hand: its migration fails
    _query(url, 'ALTER TABLE "r03".tickets_ticket ADD COLUMN nota_rollout text')

    failed = _manage(env, "migrate", "-v", "1")
    assert failed.returncode != 0
    assert "r03" in failed.stderr and "nota_rollout" in failed.stderr
    status = _manage(env, "migrate_tenants", "--status")
    assert f"al día: {len(TENANTS) - 1}" in status.stdout
    assert "Fallido: r03" in status.stdout and "already exists" in status.stdout
    assert _schema_state(url, "r03") == (True, False, False)
    assert all(_schema_state(url, s) == (True, True, True) for s in TENANTS if s != "r03")

    _query(url, 'ALTER TABLE "r03".tickets_ticket DROP COLUMN nota_rollout')
    retried = _manage(env, "migrate")
    assert retried.returncode == 0, retried.stderr
    assert "Tenants por migrar: 1" in retried.stdout
    assert _schema_state(url, "r03") == (True, True, True)
    assert _migrated_count(url) == Counter(dict.fromkeys(TENANTS, 1))
    status = _manage(env, "migrate_tenants", "--status")
    assert "Pendientes: 0" in status.stdout and "Fallido" not in status.stdout


def test_a_reverse_migration_reaches_the_template_and_the_tenants_made_afterwards(rollout_db):
    url = rollout_db
    env = _rollout_env(url, pause=0)
    forward = _manage(env, "migrate", "-v", "0")
    assert forward.returncode == 0, forward.stderr
    assert _schema_state(url, "plantilla_tenant") == (True, True, True)
    back = _manage(env, "migrate", "rollout_prueba", "zero", "-v", "0")
    assert back.returncode == 0, back.stderr
    for schema in ("plantilla_tenant", TENANTS[0], TENANTS[-1]):
        assert _schema_state(url, schema) == (False, False, False), schema
    script = (
        "import django; django.setup()\n"
        "from core.testing.factories import create_test_tenant\n"
        "create_test_tenant('r_despues')\n"
    )
    made = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )
    assert made.returncode == 0, made.stderr
    assert _schema_state(url, "r_despues") == (False, False, False)
    again = _manage(env, "migrate", "-v", "0")
    assert again.returncode == 0, again.stderr
    assert all(
        _schema_state(url, s) == (True, True, True) for s in ("plantilla_tenant", "r_despues", *TENANTS)
    )


def test_migrate_with_nothing_to_apply_reads_no_tenant_schema(sql_log, tenant_a, tenant_b):
    call_command("migrate", verbosity=0)  # records any tenant that an earlier test left unrecorded
    connection.close()  # the log sees the connections opened from now on
    sql_log.clear()
    call_command("migrate", verbosity=0)
    statements = list(sql_log.statements)
    assert any("core_migraciontenant" in q for q in statements)
    touched = [q for q in statements if f'"{tenant_a.schema_name}"' in q or f'"{tenant_b.schema_name}"' in q]
    assert not touched
    assert len(statements) < 200
