"""schemathesis over every operation of /api/schema/, authenticated, with the tenant header.

No 5xx, and every answer conforms to the schema: status code, content type and body. A short
budget here (FUZZ_EXAMPLES, 8 by default); `make fuzz` runs the same with a large one.
Known leniency, not checked: DRF coerces some wrong types (0 for a boolean, a number for a string)
instead of refusing them.
"""

import os
import uuid

import pytest
import schemathesis
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hsettings
from schemathesis import checks

from core.models import Tenant
from core.testing.factories import Actor, create_test_tenant
from core.testing.openapi import api_schema

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        tenant = create_test_tenant(f"fuzz_{uuid.uuid4().hex[:8]}")
        world = {
            "schema": tenant.schema_name,
            "admin": Actor(tenant.schema_name, "admin"),
            "operator": Actor("public", "admin"),
        }
        yield world
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
        Tenant.objects.filter(pk=tenant.pk).delete()


def _api_schema() -> dict:
    """The same document /api/schema/ serves, generated here (no server needed at collection)."""
    return api_schema()


schema = (
    schemathesis.openapi.from_dict(_api_schema())
    .exclude(
        # creating, switching off and deleting tenants have their own tests; here they would touch
        # shared tenants
        path_regex=r"^/api/tenants/",
        method=["POST", "PATCH", "DELETE"],
    )
    # it ends every session of the fuzzing admin, and has its own tests
    .exclude(path="/api/auth/logout/todas/")
)


@schema.parametrize()
@hsettings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_fuzz(case, fuzz_world, http_server):
    public = case.operation.path.startswith("/api/tenants/")
    actor = fuzz_world["operator"] if public else fuzz_world["admin"]
    headers = {"Authorization": f"Bearer {actor.token}"}
    if not public:
        headers["X-Tenant-ID"] = fuzz_world["schema"]
    case.call_and_validate(base_url=http_server.url, headers=headers, checks=CHECKS)


DEEP = b"[" * 5000 + b"]" * 5000


def _sample(path: str) -> str:
    for name in ("id", "pk"):
        path = path.replace("{" + name + "}", "1")
    return path.replace("{schema_name}", "no_existe")


def test_deeply_nested_bodies_are_refused_as_bad_input_everywhere(fuzz_world, http_server):
    """Every operation that takes a JSON body, sent `[` x 5000: a 4xx in the error envelope, never
    a 5xx; where the body is read (login, creations), 400 `parse_error`."""
    import httpx

    from core.testing.client import assert_error

    sent = 0
    with httpx.Client(base_url=http_server.url, timeout=30) as client:
        for path, item in _api_schema()["paths"].items():
            for method in ("post", "put", "patch", "delete"):
                if method not in item or "requestBody" not in item[method]:
                    continue
                public = path.startswith("/api/tenants/")
                actor = fuzz_world["operator"] if public else fuzz_world["admin"]
                headers = {"Authorization": f"Bearer {actor.token}", "Content-Type": "application/json"}
                if not public:
                    headers["X-Tenant-ID"] = fuzz_world["schema"]
                response = client.request(method.upper(), _sample(path), content=DEEP, headers=headers)
                assert 400 <= response.status_code < 500, (
                    method,
                    path,
                    response.status_code,
                    response.text[:200],
                )
                assert_error(response, response.status_code)
                sent += 1
        assert sent > 10
        for path in ("/api/auth/token/", "/api/tickets/tickets/", "/api/productos/pedidos/"):
            headers = {"X-Tenant-ID": fuzz_world["schema"], "Content-Type": "application/json"}
            if path != "/api/auth/token/":
                headers["Authorization"] = f"Bearer {fuzz_world['admin'].token}"
            assert_error(client.post(path, content=DEEP, headers=headers), 400, "parse_error")
