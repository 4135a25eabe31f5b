"""The Django admin: per tenant by hostname, the platform's in the public schema."""

import httpx
import pytest

from core.testing.admin import AdminBrowser


@pytest.fixture
def browser(http_server):
    return lambda host: AdminBrowser(http_server.url, host)


def test_tenant_admin_requires_a_staff_login(browser):
    response = browser("alfa.localhost").get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.headers["location"]


def test_tenant_admin_logs_in_by_hostname_and_sees_its_users_only(browser, admin_a, usuario_b):
    b = browser("alfa.localhost")
    assert b.login(admin_a.email).status_code == 302
    users = b.get("/admin/usuarios/usuario/")
    assert users.status_code == 200
    assert admin_a.email in users.text and usuario_b.email not in users.text


def test_tenant_admin_cannot_reach_the_platforms_tenants(browser, admin_a):
    b = browser("alfa.localhost")
    b.login(admin_a.email)
    assert b.get("/admin/core/tenant/").status_code == 403
    assert "beta" not in b.get("/admin/").text


def test_soporte_gets_the_desk_but_not_users_and_usuario_gets_nothing(browser, soporte_a, usuario_a):
    b = browser("alfa.localhost")
    assert b.login(soporte_a.email).status_code == 302
    assert b.get("/admin/").status_code == 200
    assert b.get("/admin/usuarios/usuario/").status_code == 403
    refused = browser("alfa.localhost").login(usuario_a.email)
    assert refused.status_code == 200 and "errornote" in refused.text


def test_an_admin_cannot_log_into_another_tenants_admin(browser, admin_a):
    refused = browser("beta.localhost").login(admin_a.email)
    assert refused.status_code == 200 and "errornote" in refused.text


def test_a_session_of_one_tenant_is_worthless_in_another(browser, admin_a, http_server):
    alfa = browser("alfa.localhost")
    alfa.login(admin_a.email)
    session = alfa.http.cookies.get("sessionid")
    assert session
    beta = httpx.Client(
        base_url=http_server.url, headers={"Host": "beta.localhost"}, cookies={"sessionid": session}
    )
    response = beta.get("/admin/usuarios/usuario/")
    assert response.status_code == 302 and "/admin/login/" in response.headers["location"]


def test_platform_admin_lists_tenants_for_operators(browser, operator, admin_a):
    b = browser("localhost")
    assert b.get("/admin/").status_code == 302
    assert b.login(operator.email).status_code == 302
    tenants = b.get("/admin/core/tenant/")
    assert tenants.status_code == 200 and "alfa" in tenants.text and "beta" in tenants.text
    refused = browser("localhost").login(admin_a.email)  # a tenant admin is nobody here
    assert refused.status_code == 200 and "errornote" in refused.text
