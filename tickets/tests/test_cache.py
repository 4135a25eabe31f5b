"""Ticket and user caches: served from Redis, never stale after a change, never across tenants."""

import uuid

import pytest
import redis
from django.core.cache import cache
from django_redis import get_redis_connection
from django_tenants.utils import schema_context

from core.testing.client import assert_error
from core.versioned_cache import cached, invalidate

pytestmark = pytest.mark.redis


def _ticket_queries(statements):
    return [s for s in statements if "tickets_ticket" in s]


def test_second_read_is_served_from_the_cache(desk, usuario_a, sql_log):
    ticket = desk.new(usuario_a)
    sql_log.clear()
    assert desk.get(usuario_a, ticket["id"]).status_code == 200
    sql_log.clear()
    assert desk.get(usuario_a, ticket["id"]).json() == ticket
    assert _ticket_queries(sql_log.statements) == [], sql_log.statements
    keys = get_redis_connection("default").keys(f"alfa:*ticket:{ticket['id']}")
    assert keys, "the entry is stored under the tenant's prefix"


def test_cache_is_never_stale_after_a_change(desk, usuario_a, soporte_a):
    ticket = desk.new(usuario_a)
    desk.get(usuario_a, ticket["id"])
    desk.patch(usuario_a, ticket["id"], {"titulo": "Cambiado"})
    assert desk.get(usuario_a, ticket["id"]).json()["titulo"] == "Cambiado"
    desk.estado(soporte_a, ticket["id"], "en_proceso")
    assert desk.get(usuario_a, ticket["id"]).json()["estado"] == "en_proceso"
    desk.patch(soporte_a, ticket["id"], {"asignado_a": soporte_a.user.pk}, "asignar/")
    assert desk.get(usuario_a, ticket["id"]).json()["asignado_a_id"] == soporte_a.user.pk
    before = desk.get(usuario_a, ticket["id"]).json()["fecha_actualizacion"]
    desk.comment(usuario_a, ticket["id"])
    assert desk.get(usuario_a, ticket["id"]).json()["fecha_actualizacion"] > before


def test_a_read_racing_a_write_never_leaves_a_stale_entry():
    key = f"ticket:{uuid.uuid4()}"
    with schema_context("alfa"):

        def slow_read():
            invalidate(key)  # a write commits while this read is loading old data
            return {"titulo": "viejo"}

        assert cached(key, ttl=60, load=slow_read) == {"titulo": "viejo"}
        assert cached(key, ttl=60, load=lambda: {"titulo": "nuevo"}) == {"titulo": "nuevo"}
        assert cached(key, ttl=60, load=lambda: {"titulo": "no se vuelve a cargar"}) == {"titulo": "nuevo"}


def test_cached_ticket_of_one_tenant_is_not_served_to_another(desk, usuario_a, admin_b, api):
    ticket = desk.new(usuario_a)
    desk.get(usuario_a, ticket["id"])  # cached in alfa
    response = api.get(f"/api/tickets/tickets/{ticket['id']}/", tenant="beta", token=admin_b.token)
    assert_error(response, 404)
    with schema_context("beta"):
        assert cache.get(f"ticket:{ticket['id']}") is None


def test_user_details_cache_follows_a_rename(desk, usuario_a, soporte_a, api):
    ticket = desk.new(usuario_a)
    desk.comment(usuario_a, ticket["id"])

    def author_name():
        return desk.get(soporte_a, ticket["id"], "interacciones/").json()["results"][0]["usuario"]["nombre"]

    assert author_name() == "Nombre"
    api.patch("/api/usuarios/me/", tenant="alfa", token=usuario_a.token, json={"nombre": "Renombrada"})
    assert author_name() == "Renombrada"


def test_a_warm_ticket_detail_costs_one_redis_round_trip(usuario_a):
    """The user behind the token and the ticket come in one MGET (versioned_cache.expect)."""
    from core.testing.factories import access_for
    from core.testing.processes import RedisProcess, gunicorn, server_env

    own = RedisProcess()
    if own.binary is None:
        pytest.fail("redis-server is needed to count a request's round trips")
    own.start()
    try:
        with gunicorn(server_env(REDIS_URL=own.url), workers=1, threads=1) as url:
            import httpx

            headers = {"X-Tenant-ID": "alfa", "Authorization": f"Bearer {access_for('alfa', usuario_a.user)}"}
            with httpx.Client(base_url=url, headers=headers) as client:
                ticket = client.post("/api/tickets/tickets/", json={"titulo": "Una vuelta"}).json()
                path = f"/api/tickets/tickets/{ticket['id']}/"
                assert client.get(path).json() == ticket
                stats = redis.Redis.from_url(own.url)
                stats.config_resetstat()
                for _ in range(5):
                    assert client.get(path).json() == ticket
                calls = {
                    name: info["calls"]
                    for name, info in stats.info("commandstats").items()
                    if not name.startswith(("cmdstat_config", "cmdstat_info"))
                }
    finally:
        own.stop()
    assert calls == {"cmdstat_mget": 5}, calls


def test_an_entry_of_an_older_release_is_a_miss(desk, usuario_a):
    """Entries kept the serialized dict before bodies were stored rendered."""
    from core.invalidation import watcher

    ticket = desk.new(usuario_a)
    key = f"ticket:{ticket['id']}"
    with schema_context("alfa"):
        known = watcher.version("alfa", key)
        cache.set(key, {**watcher.stamp(known), "data": {**ticket, "titulo": "de otra versión"}}, 60)
    assert desk.get(usuario_a, ticket["id"]).json() == ticket


def test_me_follows_a_rename_at_once(api, usuario_a):
    assert api.get("/api/usuarios/me/", tenant="alfa", token=usuario_a.token).json()["nombre"] == "Nombre"
    api.patch("/api/usuarios/me/", tenant="alfa", token=usuario_a.token, json={"nombre": "Otra"})
    try:
        assert api.get("/api/usuarios/me/", tenant="alfa", token=usuario_a.token).json()["nombre"] == "Otra"
    finally:
        api.patch("/api/usuarios/me/", tenant="alfa", token=usuario_a.token, json={"nombre": "Nombre"})
