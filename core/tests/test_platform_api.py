"""The platform API in the public schema: create, list and change tenants."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from core.models import Tenant
from core.testing.client import assert_error
from core.testing.factories import PASSWORD

TENANTS = "/api/tenants/"


def _payload(schema=None, **extra):
    schema = schema or f"org_{uuid.uuid4().hex[:10]}"
    return {
        "schema_name": schema,
        "nombre": "Clínica Sol",
        "admin": {
            "email": f"jefa-{uuid.uuid4().hex[:8]}@example.com",
            "password": PASSWORD,
            "nombre": "Jefa",
        },
        **extra,
    }


def _drop(schema):
    connection.set_schema_to_public()
    Tenant.objects.filter(schema_name=schema).delete()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_operator_creates_a_tenant_whose_admin_can_log_in(api, operator):
    payload = _payload(dominio="Sol.Example.com")
    try:
        response = api.post(TENANTS, token=operator.token, json=payload)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["schema_name"] == payload["schema_name"] and body["activo"] is True
        assert body["dominios"] == ["sol.example.com"]
        login = api.post(
            "/api/auth/token/",
            tenant="sol.example.com",
            json={"email": payload["admin"]["email"], "password": PASSWORD},
        )
        assert login.status_code == 200 and login.json()["user"]["rol"] == "admin"
    finally:
        _drop(payload["schema_name"])


def test_duplicate_schema_or_domain_is_409(api, operator):
    assert_error(api.post(TENANTS, token=operator.token, json=_payload("alfa")), 409, "tenant_exists")
    body = _payload(dominio="beta.localhost")
    assert_error(api.post(TENANTS, token=operator.token, json=body), 409, "domain_exists")
    assert not Tenant.objects.filter(schema_name=body["schema_name"]).exists()


def test_concurrent_creates_of_one_schema_make_one_tenant(api, operator):
    payload = _payload()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            statuses = sorted(
                pool.map(
                    lambda _: api.post(TENANTS, token=operator.token, json=payload).status_code, range(4)
                )
            )
        assert statuses == [201, 409, 409, 409]
    finally:
        _drop(payload["schema_name"])


@pytest.mark.parametrize(
    "schema",
    ["public", "information_schema", "pg_algo", "plantilla_tenant", "1abc", "a-b", "a", "x" * 64, "ñu"],
)
def test_reserved_or_invalid_schema_names_are_400(api, operator, schema):
    body = assert_error(
        api.post(TENANTS, token=operator.token, json=_payload(schema)), 400, "validation_error"
    )
    assert "schema_name" in body["details"]


def test_bad_admin_or_domain_is_400_and_creates_nothing(api, operator):
    weak = _payload()
    weak["admin"]["password"] = "1234"
    assert "admin" in assert_error(api.post(TENANTS, token=operator.token, json=weak), 400)["details"]
    bad_domain = _payload(dominio="no valido!")
    assert "dominio" in assert_error(api.post(TENANTS, token=operator.token, json=bad_domain), 400)["details"]
    missing = assert_error(api.post(TENANTS, token=operator.token, json={"nombre": "x"}), 400)
    assert {"schema_name", "admin"} <= set(missing["details"])
    for payload in (weak, bad_domain):
        assert not Tenant.objects.filter(schema_name=payload["schema_name"]).exists()
        assert not schema_exists(payload["schema_name"])


def test_platform_api_is_for_operators_only(api, admin_a, make_actor):
    assert_error(api.get(TENANTS), 401, "not_authenticated")
    assert_error(api.get(TENANTS, token=admin_a.token), 401)  # a tenant token in public
    assert_error(api.get(TENANTS, tenant="alfa", token=admin_a.token), 404, "not_found")  # not a tenant route
    public_user = make_actor("public", "usuario")
    assert_error(api.get(TENANTS, token=public_user.token), 403, "permission_denied")
    assert_error(api.post(TENANTS, token=public_user.token, json=_payload()), 403)


def test_operator_lists_and_updates_tenants(api, operator, fresh_tenant):
    schema = fresh_tenant.schema_name
    listed = api.get(TENANTS, token=operator.token, params={"search": schema}).json()
    assert [t["schema_name"] for t in listed["results"]] == [schema]
    everything = api.get(TENANTS, token=operator.token, params={"page_size": 100}).json()
    names = {t["schema_name"] for t in everything["results"]}
    assert {"alfa", "beta", "inactivo"} <= names and "public" not in names
    changed = api.patch(f"{TENANTS}{schema}/", token=operator.token, json={"nombre": "Nuevo nombre"})
    assert changed.status_code == 200 and changed.json()["nombre"] == "Nuevo nombre"
    assert_error(api.patch(f"{TENANTS}{schema}/", token=operator.token, json={"activo": "tal vez"}), 400)
    assert_error(api.patch(f"{TENANTS}noexiste/", token=operator.token, json={"activo": False}), 404)
    assert_error(api.patch(f"{TENANTS}public/", token=operator.token, json={"activo": False}), 404)
    # deletion exists now, and asks for the schema name as confirmation
    assert_error(api.delete(f"{TENANTS}{schema}/", token=operator.token), 400, "validation_error")
    assert_error(api.delete(f"{TENANTS}public/", token=operator.token, json={"confirm": "public"}), 404)


def test_operator_retrieves_one_tenant(api, operator, admin_a):
    body = api.get(f"{TENANTS}alfa/", token=operator.token).json()
    assert body["schema_name"] == "alfa" and body["dominios"] == ["alfa.localhost"]
    assert_error(api.get(f"{TENANTS}no-existe/", token=operator.token), 404)
    assert_error(api.get(f"{TENANTS}alfa/", token=admin_a.token), 401)
