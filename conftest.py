"""Suite-wide fixtures.

Tenant schemas are created once per test database (one per xdist worker) and shared; tests
keep apart by making their own users and data. Data is committed (the API is exercised over
real HTTP by a server thread with its own connections), so no test may rely on a table being
empty: use fresh users or the `fresh_tenant` fixture.
"""

from __future__ import annotations

import os
import threading
import uuid

import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.backends.signals import connection_created

from core.invalidation import MARK
from core.testing.browser import browser_page  # noqa: F401  (the real browser, for every app's tests)
from core.testing.client import ApiClient
from core.testing.factories import Actor, create_test_tenant, create_user, drop_test_tenants, unique_email
from core.testing.server import LiveServer

TENANT_A = "alfa"
TENANT_B = "beta"
TENANT_INACTIVE = "inactivo"


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """The test database with the shared tenants, made once per session (and xdist worker).

    pytest-django only creates databases for tests that use its `django_db` marker, whose
    per-test transactions do not fit tests that talk to a server thread; so this fixture
    creates it itself (with pytest-django's per-worker name) for every test.
    """
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    _forget_previous_runs_cache()
    citus_workers = None
    with django_db_blocker.unblock():
        if os.environ.get("CITUS_DATABASE_URL"):
            from core.testing.citus import citus_test_database_create

            test_name = connection.creation._get_test_db_name()
            citus_workers = citus_test_database_create(connection.settings_dict, test_name)
        db_cfg = setup_databases(
            verbosity=verbosity, interactive=False, aliases={"default"}, keepdb=citus_workers is not None
        )
        connection.set_schema_to_public()
        tenants = {
            TENANT_A: create_test_tenant(TENANT_A),
            TENANT_B: create_test_tenant(TENANT_B),
            TENANT_INACTIVE: create_test_tenant(TENANT_INACTIVE, activo=False),
        }
        create_user("public", rol="admin", email="operador@plataforma.test")
    yield tenants
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        # server threads behind keep-alive connections (a browser's) may still hold a session
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        if citus_workers is not None:
            from core.testing.citus import citus_test_database_drop

            citus_test_database_drop(
                connection.settings_dict, connection.settings_dict["NAME"], citus_workers
            )
            connection.close()
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{connection.settings_dict["NAME"]}" WITH (FORCE)')
        else:
            teardown_databases(db_cfg, verbosity=verbosity)


def _forget_previous_runs_cache() -> None:
    """This worker's cache entries from an earlier run describe a database that is gone."""
    if not settings.REDIS_URL:
        return
    from django_redis import get_redis_connection

    client = get_redis_connection("default")
    pattern = f"*:{settings.CACHE_KEY_PREFIX}:*"
    for key in client.scan_iter(match=pattern, count=1000):
        client.delete(key)


@pytest.fixture(autouse=True)
def _db_access(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


@pytest.fixture(scope="session")
def _server_db_access(django_db_setup, django_db_blocker):
    """The database stays open for the whole session while a server thread may run.

    pytest-django's blocker is one global switch, not per thread: between two tests it is on, and a
    server thread still answering the previous test's keep-alive connection would hit it, fail, and
    drop a connection the next test then reuses ("Server disconnected without sending a response").
    Every test here needs the database anyway (`_db_access`), so it is simply never blocked.
    """
    django_db_blocker.unblock()
    yield
    django_db_blocker.restore()


@pytest.fixture(scope="session")
def http_server(django_db_setup, _server_db_access):
    server = LiveServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def api(http_server):
    client = ApiClient(http_server.url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def tenant_a(django_db_setup):
    return django_db_setup[TENANT_A]


@pytest.fixture(scope="session")
def tenant_b(django_db_setup):
    return django_db_setup[TENANT_B]


@pytest.fixture(scope="session")
def inactive_tenant(django_db_setup):
    return django_db_setup[TENANT_INACTIVE]


@pytest.fixture
def fresh_tenant():
    """A tenant of its own, for tests that need empty tables (cloned: well under a second)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    tenant = create_test_tenant(schema)
    yield tenant
    drop_test_tenants([schema])


@pytest.fixture
def backup_settings(settings, tmp_path):
    """Backups and their temporary files under this test's own folder."""
    from backups.storage import reset_storage

    settings.BACKUP_STORAGE = "filesystem"
    settings.BACKUP_ROOT = str(tmp_path / "store")
    settings.BACKUP_TMP_DIR = str((tmp_path / "tmp").resolve())
    (tmp_path / "tmp").mkdir()
    settings.BACKUP_ENCRYPTION_KEY = ""
    reset_storage()
    yield settings
    reset_storage()


@pytest.fixture
def make_actor():
    return Actor


@pytest.fixture
def admin_a(tenant_a):
    return Actor(tenant_a.schema_name, "admin")


@pytest.fixture
def soporte_a(tenant_a):
    return Actor(tenant_a.schema_name, "soporte")


@pytest.fixture
def usuario_a(tenant_a):
    return Actor(tenant_a.schema_name, "usuario")


@pytest.fixture
def admin_b(tenant_b):
    return Actor(tenant_b.schema_name, "admin")


@pytest.fixture
def usuario_b(tenant_b):
    return Actor(tenant_b.schema_name, "usuario")


@pytest.fixture
def operator():
    return Actor("public", "admin")


@pytest.fixture
def new_email():
    return unique_email


class SqlLog:
    """Every SQL statement run on any connection opened while active (server threads too)."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self._lock = threading.Lock()

    def _wrapper(self, execute, sql, params, many, context):
        # the cache-version poll runs about once a second whatever the request: not its cost
        if not sql.startswith(MARK):
            with self._lock:
                self.statements.append(sql)
        return execute(sql, params, many, context)

    def _on_connect(self, sender, connection, **kwargs):
        # A thread's DatabaseWrapper outlives its reconnections: attach once.
        if self._wrapper not in connection.execute_wrappers:
            connection.execute_wrappers.append(self._wrapper)

    def clear(self) -> None:
        with self._lock:
            self.statements.clear()


@pytest.fixture
def sql_log():
    log = SqlLog()
    connection_created.connect(log._on_connect)
    yield log
    connection_created.disconnect(log._on_connect)
    for conn in connections.all(initialized_only=True):
        if log._wrapper in conn.execute_wrappers:
            conn.execute_wrappers.remove(log._wrapper)


def _redis_required() -> bool:
    return os.environ.get("REQUIRE_REDIS", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    """Tests marked `redis` need a Redis server. Without one they are skipped with a reason,
    unless REQUIRE_REDIS is set (as CI does), where a missing Redis fails them.
    Tests marked `fuzz` need a single process: under xdist schemathesis collapses its cases into
    one item that tests nothing, so there they are skipped (`make test` runs them with -n 0)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        skip_fuzz = pytest.mark.skip(reason="schemathesis needs -n 0: make test runs it separately")
        for item in items:
            if "fuzz" in item.keywords:
                item.add_marker(skip_fuzz)
    if settings.REDIS_URL or _redis_required():
        return
    skip = pytest.mark.skip(reason="no Redis answered (set REDIS_URL or start redis-server)")
    for item in items:
        if "redis" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def subscriber():
    """What the events channel publishes from now on (core.testing.events)."""
    from core.testing.events import Subscriber

    sub = Subscriber(settings.REDIS_URL)
    yield sub
    sub.close()
