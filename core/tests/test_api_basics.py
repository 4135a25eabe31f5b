"""Shared API behaviour: health, OpenAPI, the error envelope, language, degraded services."""

import httpx
import pytest

from core.testing.client import assert_error
from core.testing.factories import PASSWORD, access_for
from core.testing.processes import gunicorn, server_env


@pytest.mark.parametrize("path", ["/health", "/health/"])
@pytest.mark.parametrize("tenant", [None, "alfa"])
def test_health_in_any_schema_without_auth(api, path, tenant):
    response = api.get(path, tenant=tenant)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["timestamp"]
    assert body["services"]["database"] == "ok"
    assert body["services"]["redis"] in ("ok", "disabled")


def test_health_is_about_the_instance_whatever_the_tenant_input(api):
    assert api.get("/health", tenant="nadie").json()["status"] == "ok"
    assert api.get("/health/", tenant="bad value!").status_code == 200


def test_health_bad_method(api):
    assert_error(api.post("/health/", json={}), 405, "method_not_allowed")


@pytest.mark.parametrize("tenant", [None, "alfa"])
def test_openapi_schema_documents_tenant_header_and_bearer_auth(api, tenant):
    """The tenant is a security scheme beside the bearer token (Swagger UI's Authorize holds both
    once); tenant operations require it, platform ones do not take it, the token endpoints take
    either."""
    response = api.get("/api/schema/", tenant=tenant, params={"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    schemes = schema["components"]["securitySchemes"]
    assert "bearerFormat" in schemes["jwtAuth"]
    assert schemes["tenantHeader"] == {
        **schemes["tenantHeader"],
        "type": "apiKey",
        "in": "header",
        "name": "X-Tenant-ID",
    }
    users = schema["paths"]["/api/usuarios/usuarios/"]["get"]
    assert users["security"] == [{"jwtAuth": [], "tenantHeader": []}]
    register = schema["paths"]["/api/auth/register/"]["post"]
    assert all("tenantHeader" in requirement for requirement in register["security"])
    tenants = schema["paths"]["/api/tenants/"]["post"]
    assert tenants["security"] == [{"jwtAuth": []}]
    login = schema["paths"]["/api/auth/token/"]["post"]
    assert {"tenantHeader": []} in login["security"] and {} in login["security"]
    for item in schema["paths"].values():
        for operation in item.values():
            assert not any(p["name"] == "X-Tenant-ID" for p in operation.get("parameters", []))


def test_every_operation_has_a_spanish_summary_and_an_area_tag(api):
    schema = api.get("/api/schema/", params={"format": "json"}).json()
    areas = {"auth", "usuarios", "tickets", "productos", "backups", "tenants"}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary"), (method, path)
            assert len(operation["tags"]) == 1 and operation["tags"][0] in areas, (method, path)
    titles = [op["summary"] for item in schema["paths"].values() for op in item.values()]
    assert len(titles) == len(set(titles))  # one title names one operation


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_api_docs_pages(api, path):
    response = api.get(path)
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]


def test_unknown_api_url_is_a_json_404_in_both_url_sets(api, usuario_a):
    assert_error(api.get("/api/no-existe/"), 404, "not_found")
    assert_error(api.post("/api/no-existe/", tenant="alfa", token=usuario_a.token), 404, "not_found")
    assert_error(api.get("/api/usuarios/usuarios/1/extra/", tenant="alfa"), 404)


def test_method_not_allowed_is_json(api, usuario_a):
    assert_error(
        api.delete("/api/usuarios/me/", tenant="alfa", token=usuario_a.token), 405, "method_not_allowed"
    )
    assert_error(api.get("/api/auth/token/", tenant="alfa"), 405, "method_not_allowed")


def test_messages_are_spanish_by_default_and_english_on_request(api):
    es = assert_error(api.get("/api/usuarios/me/", tenant="alfa"), 401)
    en = assert_error(api.get("/api/usuarios/me/", tenant="alfa", headers={"Accept-Language": "en"}), 401)
    assert es["error"] == "Las credenciales de autenticación no se proveyeron."
    assert en["error"] == "Authentication credentials were not provided."
    bad = {"email": "x", "password": PASSWORD, "nombre": "x"}
    en_val = assert_error(
        api.post("/api/auth/register/", tenant="alfa", json=bad, headers={"Accept-Language": "en"}), 400
    )
    assert en_val["error"] == "The submitted data is not valid."
    assert en_val["details"]["email"] == ["Enter a valid email address."]


def test_redis_down_api_keeps_working_and_health_says_degraded(admin_a):
    with gunicorn(server_env(REDIS_URL="redis://127.0.0.1:1/0")) as url:
        health = httpx.get(f"{url}/health")
        assert health.status_code == 200
        assert health.json()["status"] == "degraded"
        assert health.json()["services"]["redis"].startswith("error")
        login = httpx.post(
            f"{url}/api/auth/token/",
            headers={"X-Tenant-ID": "alfa"},
            json={"email": admin_a.email, "password": PASSWORD},
        )
        assert login.status_code == 200, login.text
        me = httpx.get(
            f"{url}/api/usuarios/usuarios/",
            headers={"X-Tenant-ID": "alfa", "Authorization": f"Bearer {login.json()['access']}"},
        )
        assert me.status_code == 200


def test_without_redis_health_says_disabled():
    with gunicorn(server_env(REDIS_URL="off")) as url:
        body = httpx.get(f"{url}/health/").json()
        assert body["services"]["redis"] == "disabled" and body["status"] == "ok"


def test_database_unreachable_is_503_json(admin_a):
    token = access_for("alfa", admin_a.user)
    with gunicorn(
        server_env(DATABASE_URL="postgresql://postgres@127.0.0.1:1/nada", DB_CONNECT_TIMEOUT="1")
    ) as url:
        health = httpx.get(f"{url}/health")
        assert health.status_code == 503
        assert health.json()["services"]["database"].startswith("error")
        # the tenant may still resolve from the shared cache; the data cannot
        response = httpx.get(
            f"{url}/api/tickets/tickets/", headers={"X-Tenant-ID": "alfa", "Authorization": f"Bearer {token}"}
        )
        assert_error(response, 503, "service_unavailable")
