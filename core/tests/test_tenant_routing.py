"""Which schema a request reaches: header, hostname, public; and every way that can fail."""

import time
import uuid

import httpx
import pytest
from django.core.cache import cache, caches
from django_redis import get_redis_connection
from django_tenants.utils import schema_context

from core.models import Tenant
from core.tenancy.errors import TenantInactive
from core.testing.client import assert_error
from core.testing.processes import gunicorn, server_env
from core.testing.timing import seen_within_a_poll

ME = "/api/usuarios/me/"


def test_header_selects_the_tenant_by_schema_name(api, usuario_a):
    response = api.get(ME, tenant="alfa", token=usuario_a.token)
    assert response.status_code == 200
    assert response.json()["email"] == usuario_a.email


@pytest.mark.parametrize("value", ["ALFA", "alfa.localhost", "Alfa.LocalHost", "alfa.localhost:8000"])
def test_header_accepts_domain_and_any_case(api, usuario_a, value):
    response = api.get(ME, tenant=value, token=usuario_a.token)
    assert response.status_code == 200, response.text


def test_x_tenant_alias_is_accepted(api, usuario_a):
    response = api.get(ME, headers={"X-Tenant": "alfa"}, token=usuario_a.token)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "value", ["", ".", "..x", "bad value", "a/b", "alfa;drop", "-x", "x" * 300, "al\tfa"]
)
def test_malformed_header_is_400(api, value):
    assert_error(api.get(ME, tenant=value), 400, "invalid_tenant")


@pytest.mark.parametrize(
    "value", ["nope", "public", "information_schema", "pg_catalog", "pg_toast", "plantilla_tenant"]
)
def test_unknown_or_reserved_tenant_is_404(api, value):
    assert_error(api.get(ME, tenant=value), 404, "tenant_not_found")


def test_inactive_tenant_is_403(api):
    assert_error(api.get(ME, tenant="inactivo"), 403, "tenant_inactive")
    assert_error(api.get(ME, headers={"Host": "inactivo.localhost"}), 403, "tenant_inactive")


def test_hostname_selects_tenant_without_header(api, usuario_a):
    response = api.get(ME, headers={"Host": "alfa.localhost"}, token=usuario_a.token)
    assert response.status_code == 200
    assert response.json()["email"] == usuario_a.email


def test_unknown_hostname_falls_to_public_not_to_a_tenant(api, usuario_a):
    # The tenant's token is not valid in the public schema: no silent fallback to a tenant.
    assert_error(api.get(ME, headers={"Host": "otro.localhost"}, token=usuario_a.token), 401)
    assert_error(api.get("/api/auth/register/"), 400, "tenant_required")


def test_header_wins_over_hostname(api, usuario_b):
    response = api.get(ME, tenant="beta", headers={"Host": "alfa.localhost"}, token=usuario_b.token)
    assert response.status_code == 200
    assert response.json()["email"] == usuario_b.email


def test_tenant_errors_follow_accept_language(api):
    body = assert_error(api.get(ME, tenant="nope", headers={"Accept-Language": "en"}), 404)
    assert body["error"] == "The requested tenant does not exist."


def test_cors_preflight_needs_no_tenant(api, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    response = api.request(
        "OPTIONS",
        ME,
        tenant="does-not-exist",
        headers={
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization, x-tenant-id, idempotency-key",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://app.example.com"
    allowed = response.headers["access-control-allow-headers"]
    for header in ("authorization", "content-type", "x-tenant-id", "x-tenant", "idempotency-key"):
        assert header in allowed


def test_a_local_spa_reads_the_replay_header_of_an_order(api, settings, usuario_a):
    """The development origins, as DEBUG on allows them: a browser app on Vite's port gets CORS
    headers and may read `Idempotent-Replayed` (the orders' replay marker)."""
    settings.CORS_ALLOWED_ORIGINS = list(settings.DEV_SPA_ORIGINS)
    response = api.get(ME, tenant="alfa", token=usuario_a.token, headers={"Origin": "http://localhost:5173"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert "idempotent-replayed" in response.headers["access-control-expose-headers"].lower()


def test_cors_refuses_unknown_origin(api, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    response = api.request(
        "OPTIONS", ME, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert "access-control-allow-origin" not in response.headers


def test_warm_request_does_not_look_up_the_tenant(api, usuario_a, sql_log):
    api.get(ME, tenant="alfa", token=usuario_a.token)  # warm the tenant cache
    sql_log.clear()
    response = api.get(ME, tenant="alfa", token=usuario_a.token)
    assert response.status_code == 200
    statements = [s.lower() for s in sql_log.statements]
    assert not [s for s in statements if "core_tenant" in s or "core_domain" in s], statements
    assert sum(s.startswith("set search_path") for s in statements) <= 1, statements
    # the user comes from the tenant's cache when there is Redis, else one query
    assert len([s for s in statements if "usuarios_usuario" in s]) <= 1, statements
    assert len(statements) <= 2, statements


def test_deactivating_a_tenant_takes_effect_at_once(api, operator, fresh_tenant):
    schema = fresh_tenant.schema_name
    assert_error(api.get(ME, tenant=schema), 401)  # reachable (no token)
    response = api.patch(f"/api/tenants/{schema}/", token=operator.token, json={"activo": False})
    assert response.status_code == 200
    assert_error(api.get(ME, tenant=schema), 403, "tenant_inactive")
    api.patch(f"/api/tenants/{schema}/", token=operator.token, json={"activo": True})
    assert_error(api.get(ME, tenant=schema), 401, "not_authenticated")


@pytest.mark.redis
def test_deactivating_a_tenant_reaches_other_processes_within_seconds(api, operator, fresh_tenant):
    schema = fresh_tenant.schema_name
    # entries that would otherwise live an hour: only the shared generation can tell the server
    with gunicorn(server_env(), workers=1, threads=1) as url:
        assert httpx.get(f"{url}{ME}", headers={"X-Tenant-ID": schema}).status_code == 401  # cached
        assert (
            api.patch(f"/api/tenants/{schema}/", token=operator.token, json={"activo": False}).status_code
            == 200
        )
        changed = time.monotonic()

        def refused() -> bool:
            status = httpx.get(f"{url}{ME}", headers={"X-Tenant-ID": schema}).status_code
            assert status in (401, 403), status
            return status == 403

        seen_within_a_poll(changed, refused)


@pytest.mark.redis
def test_a_shared_tenant_entry_from_before_a_change_is_never_served(fresh_tenant):
    from core.tenancy import resolver

    schema = fresh_tenant.schema_name
    assert resolver.tenant_for_identifier(schema).activo
    # a slow reader stores what it loaded before the change committed, after the change
    stale = caches["global"].get(f"tenant:id:{schema}")
    assert stale is not None
    Tenant.objects.filter(pk=fresh_tenant.pk).update(activo=False)
    resolver.forget_tenants()
    caches["global"].set(f"tenant:id:{schema}", stale, 300)
    with pytest.raises(TenantInactive):
        resolver.tenant_for_identifier(schema)


@pytest.mark.redis
def test_a_shared_tenant_entry_in_an_older_shape_is_a_miss(fresh_tenant):
    from core.tenancy import resolver

    schema = fresh_tenant.schema_name
    resolver.forget_tenants()
    # what the release before the generation wrote: the fields alone
    caches["global"].set(
        f"tenant:id:{schema}", {"id": 0, "schema_name": schema, "nombre": "x", "activo": False}, 300
    )
    assert resolver.tenant_for_identifier(schema).pk == fresh_tenant.pk


@pytest.mark.redis
def test_cache_entries_are_never_shared_between_tenants():
    key = f"usuario:{uuid.uuid4().hex}:datos"
    with schema_context("alfa"):
        cache.set(key, {"nombre": "de alfa"}, 60)
    with schema_context("beta"):
        assert cache.get(key) is None
        cache.set(key, {"nombre": "de beta"}, 60)
    with schema_context("alfa"):
        assert cache.get(key) == {"nombre": "de alfa"}
    keys = {k.decode() for k in get_redis_connection("default").keys(f"*{key}")}
    assert any(k.startswith("alfa:") for k in keys) and any(k.startswith("beta:") for k in keys)
