"""A domain can never take over another tenant or the platform: the same rules in the API, the
admin and the command; an exact schema name wins over a domain."""

import re
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import Domain, Tenant
from core.testing.admin import AdminBrowser
from core.testing.client import assert_error
from core.testing.factories import PASSWORD

TENANTS = "/api/tenants/"


def _payload(schema=None, **extra):
    return {
        "schema_name": schema or f"org_{uuid.uuid4().hex[:10]}",
        "nombre": "Tienda",
        "admin": {"email": f"a-{uuid.uuid4().hex[:8]}@example.com", "password": PASSWORD, "nombre": "A"},
        **extra,
    }


@pytest.mark.parametrize(
    "dominio",
    [
        *(
            "beta",
            "BETA",
            "alfa",
            "public",
            "localhost",
            "LocalHost",
            "127.0.0.1",
            "10.0.0.7",
            "::1",
            "[::1]",
        ),
        # every spelling an IP parser takes for an address
        *("2130706433", "0x7f.0.0.1", "127.1", "017700000001", "0x7f000001", "10.1.0x1", "tienda.0x1f"),
    ],
)
def test_a_domain_that_names_a_schema_the_platform_or_an_address_is_refused(api, operator, dominio):
    payload = _payload(dominio=dominio)
    body = assert_error(api.post(TENANTS, token=operator.token, json=payload), 400, "validation_error")
    assert "dominio" in body["details"], body
    assert not Tenant.objects.filter(schema_name=payload["schema_name"]).exists()


def test_a_domain_equal_to_its_own_schema_is_refused(api, operator):
    schema = f"org_{uuid.uuid4().hex[:10]}"
    body = assert_error(api.post(TENANTS, token=operator.token, json=_payload(schema, dominio=schema)), 400)
    assert "dominio" in body["details"]


def test_the_platform_hosts_setting_is_honoured(api, operator, settings):
    settings.PLATFORM_HOSTS = ["api.plataforma.example"]
    body = assert_error(
        api.post(TENANTS, token=operator.token, json=_payload(dominio="api.plataforma.example")), 400
    )
    assert "dominio" in body["details"]


def test_a_schema_name_equal_to_an_existing_domain_is_refused(api, operator):
    label = f"dom{uuid.uuid4().hex[:8]}"
    created = api.post(TENANTS, token=operator.token, json=_payload(dominio=label))
    assert created.status_code == 201, created.text
    body = assert_error(
        api.post(TENANTS, token=operator.token, json=_payload(label)), 400, "validation_error"
    )
    assert "schema_name" in body["details"]


def test_an_exact_schema_name_wins_over_a_domain_of_another_tenant(api, tenant_a, admin_b):
    # data from before the rules: alfa holds a domain named like the schema beta
    domain = Domain.objects.create(domain="beta", tenant=tenant_a, is_primary=False)
    try:
        from core.tenancy.resolver import forget_tenants

        forget_tenants()
        response = api.get("/api/usuarios/me/", tenant="beta", token=admin_b.token)
        assert response.status_code == 200 and response.json()["email"] == admin_b.email
    finally:
        domain.delete()
        forget_tenants()


def test_the_command_applies_the_same_rules():
    with pytest.raises(CommandError, match="dominio"):
        call_command(
            "crear_tenant",
            schema=f"org_{uuid.uuid4().hex[:10]}",
            nombre="X",
            dominio="localhost",
            admin_email="x@example.com",
            admin_password=PASSWORD,
        )


def test_the_admin_applies_the_same_rules(http_server, operator, tenant_a):
    browser = AdminBrowser(http_server.url, "localhost")
    assert browser.login(operator.email).status_code == 302
    page = browser.get("/admin/core/domain/add/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    for bad in ("beta", "localhost", "127.0.0.1"):
        response = browser.http.post(
            "/admin/core/domain/add/",
            data={"domain": bad, "tenant": tenant_a.pk, "is_primary": "", "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 200 and "errorlist" in response.text, bad
        assert not Domain.objects.filter(domain=bad).exists()
