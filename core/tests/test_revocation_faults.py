"""Revocations are durable: made through a process that cannot reach Redis, they still reach every
other process within about a second, and nothing stale comes back when Redis does.

Two gunicorn servers on the test database: `cut` reaches the shared Redis through a TCP proxy the
test stops, `other` reaches it directly. Every change is made through `cut` while its Redis is cut.
"""

import time

import httpx
import pytest
from django.conf import settings

from core.testing.client import assert_error
from core.testing.processes import TcpProxy, gunicorn, server_env
from core.testing.timing import seen_within_a_poll

pytestmark = pytest.mark.redis

ME = "/api/usuarios/me/"
USERS = "/api/usuarios/usuarios/"


def _headers(tenant: str, token: str | None = None) -> dict[str, str]:
    headers = {"X-Tenant-ID": tenant}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


@pytest.fixture
def two_servers():
    host, port = settings.REDIS_URL.split("//", 1)[1].split("/", 1)[0].split(":")
    proxy = TcpProxy((host, int(port))).start()
    cut_env = server_env(REDIS_URL=f"redis://127.0.0.1:{proxy.port}/0")
    try:
        with (
            gunicorn(cut_env, workers=1, threads=2) as cut,
            gunicorn(server_env(), workers=1, threads=2) as other,
        ):
            yield proxy, cut, other
    finally:
        proxy.stop()


def test_changes_made_without_redis_reach_the_other_process_and_survive_its_return(
    two_servers, make_actor, operator, fresh_tenant
):
    proxy, cut, other = two_servers
    schema = fresh_tenant.schema_name
    boss = make_actor(schema, "admin")
    demoted = make_actor(schema, "admin")
    gone = make_actor(schema, "usuario")
    customer = make_actor(schema, "usuario")
    # the other process has everything cached: the users, the tenant, a ticket
    assert httpx.get(f"{other}{USERS}", headers=_headers(schema, demoted.token)).status_code == 200
    assert httpx.get(f"{other}{ME}", headers=_headers(schema, gone.token)).status_code == 200
    ticket = httpx.post(
        f"{other}/api/tickets/tickets/", headers=_headers(schema, customer.token), json={"titulo": "Antes"}
    ).json()
    detail = f"{other}/api/tickets/tickets/{ticket['id']}/"
    assert httpx.get(detail, headers=_headers(schema, customer.token)).json()["titulo"] == "Antes"

    proxy.stop()  # from now on `cut` cannot reach Redis
    changes = [
        httpx.patch(
            f"{cut}{USERS}{demoted.user.pk}/", headers=_headers(schema, boss.token), json={"rol": "usuario"}
        ),
        httpx.delete(f"{cut}{USERS}{gone.user.pk}/", headers=_headers(schema, boss.token)),
        httpx.patch(
            f"{cut}/api/tickets/tickets/{ticket['id']}/",
            headers=_headers(schema, customer.token),
            json={"titulo": "Después"},
        ),
    ]
    assert [r.status_code for r in changes] == [200, 204, 200], [r.text for r in changes]
    changed = time.monotonic()
    [
        # the demoted admin can no longer list users, nor create an admin
        seen_within_a_poll(
            changed,
            lambda: httpx.get(f"{other}{USERS}", headers=_headers(schema, demoted.token)).status_code == 403,
        ),
        seen_within_a_poll(
            changed,
            lambda: httpx.get(f"{other}{ME}", headers=_headers(schema, gone.token)).status_code == 401,
        ),
        seen_within_a_poll(
            changed,
            lambda: httpx.get(detail, headers=_headers(schema, customer.token)).json()["titulo"] == "Después",
        ),
    ]
    created = httpx.post(
        f"{other}{USERS}",
        headers=_headers(schema, demoted.token),
        json={
            "email": "nuevo-admin@example.com",
            "password": "Otra-Clave-2026!",
            "nombre": "X",
            "rol": "admin",
        },
    )
    assert_error(created, 403, "permission_denied")

    # the tenant itself, deactivated by an operator through the cut process
    assert (
        httpx.patch(
            f"{cut}/api/tenants/{schema}/",
            headers={"Authorization": f"Bearer {operator.token}"},
            json={"activo": False},
            timeout=60,
        ).status_code
        == 200
    )
    seen_within_a_poll(
        time.monotonic(),
        lambda: httpx.get(f"{other}{ME}", headers=_headers(schema, boss.token)).status_code == 403,
    )

    proxy.start()  # Redis comes back, with the old entries still in it: none is served
    time.sleep(1.5)
    for url in (cut, other):
        assert_error(httpx.get(f"{url}{ME}", headers=_headers(schema, boss.token)), 403, "tenant_inactive")
    httpx.patch(
        f"{cut}/api/tenants/{schema}/",
        headers={"Authorization": f"Bearer {operator.token}"},
        json={"activo": True},
    )
    changed = time.monotonic()
    for url in (cut, other):
        seen_within_a_poll(
            changed,
            lambda u=url: httpx.get(f"{u}{ME}", headers=_headers(schema, boss.token)).status_code == 200,
        )
        assert httpx.get(f"{url}{USERS}", headers=_headers(schema, demoted.token)).status_code == 403
        assert_error(httpx.get(f"{url}{ME}", headers=_headers(schema, gone.token)), 401)
        assert (
            httpx.get(
                f"{url}/api/tickets/tickets/{ticket['id']}/", headers=_headers(schema, customer.token)
            ).json()["titulo"]
            == "Después"
        )
