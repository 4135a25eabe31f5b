"""A real browser on the admin panel: headless Chromium (Debian's package, driven by Playwright
with the system browser) logs into a tenant's admin by hostname, creates a product and a ticket,
sees them listed, and cannot log into another tenant's admin. Screenshots go to artifacts/."""

import uuid
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from core.testing.browser import ARTIFACTS, admin_login

pytestmark = pytest.mark.browser


def test_tenant_admin_creates_a_product_and_a_ticket_in_the_browser(
    browser_page, http_server, admin_a, usuario_a
):
    from productos.services import catalogo

    with schema_context("alfa"):
        categoria = catalogo.categoria_create(nombre=f"Navegador {uuid.uuid4().hex[:6]}")
    page, base = browser_page, f"http://alfa.localhost:{http_server.port}"
    sku, titulo = f"NAV-{uuid.uuid4().hex[:6].upper()}", f"Ticket desde el navegador {uuid.uuid4().hex[:6]}"

    admin_login(page, base, admin_a.email)
    page.wait_for_url(f"{base}/admin/")
    page.screenshot(path=str(ARTIFACTS / "admin-index.png"))

    page.goto(f"{base}/admin/productos/producto/add/")
    page.fill("#id_sku", sku)
    page.fill("#id_nombre", "Producto del navegador")
    page.fill("#id_precio", "12.50")
    page.fill("#id_stock", "7")
    page.select_option("#id_categoria", str(categoria.pk))
    page.click("input[name=_save]")
    page.wait_for_url(f"{base}/admin/productos/producto/")
    assert sku in page.content()
    page.screenshot(path=str(ARTIFACTS / "admin-productos.png"))

    page.goto(f"{base}/admin/tickets/ticket/add/")
    page.fill("#id_usuario", str(usuario_a.user.pk))
    page.fill("#id_titulo", titulo)
    page.fill("#id_descripcion", "Abierto en Chromium")
    page.select_option("#id_prioridad", "alta")
    page.click("input[name=_save]")
    page.wait_for_url(f"{base}/admin/tickets/ticket/")
    assert titulo in page.content()
    page.screenshot(path=str(ARTIFACTS / "admin-tickets.png"))

    from productos.models import Producto
    from tickets.models import Ticket

    with schema_context("alfa"):
        assert Producto.objects.get(sku=sku).precio == Decimal("12.50")
        assert Ticket.objects.get(titulo=titulo).usuario_id == usuario_a.user.pk


def test_the_same_admin_cannot_log_into_another_tenants_admin(browser_page, http_server, admin_a):
    page, base = browser_page, f"http://beta.localhost:{http_server.port}"
    admin_login(page, base, admin_a.email)
    page.wait_for_selector(".errornote")
    assert "/admin/login/" in page.url
    page.screenshot(path=str(ARTIFACTS / "admin-otro-tenant.png"))
    page.goto(f"{base}/admin/productos/producto/")
    assert "/admin/login/" in page.url


def _offline(page, origin: str) -> list[tuple[str, str]]:
    """Every request to anywhere but the app is refused, as on a machine without internet;
    returns what was tried (resource type, address)."""
    tried: list[tuple[str, str]] = []

    def route(r):
        if r.request.url.startswith(origin):
            r.continue_()
        else:
            tried.append((r.request.resource_type, r.request.url))
            r.abort()

    page.route("**/*", route)
    return tried


def test_the_api_docs_render_their_operations_without_internet(browser_page, http_server):
    page = browser_page
    tried = _offline(page, http_server.url)
    page.goto(f"{http_server.url}/api/docs/")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/tickets/tickets/" in p for p in paths), paths[:5]
    page.screenshot(path=str(ARTIFACTS / "api-docs-swagger.png"))
    page.goto(f"{http_server.url}/api/redoc/")
    page.wait_for_selector("text=/api/tickets/tickets/")
    assert page.locator("h2").count() > 10  # one heading per operation
    page.screenshot(path=str(ARTIFACTS / "api-docs-redoc.png"))
    # no script, style or font comes from a CDN; ReDoc's bundle always tries its "by Redocly"
    # badge image, and hides it when it cannot load (it has no option to leave it out)
    assert tried in ([], [("image", "https://cdn.redoc.ly/redoc/logo-mini.svg")]), tried


def test_the_platform_admin_adds_a_tenant_that_its_admin_then_runs(browser_page, http_server, operator):
    from core.models import Domain, Tenant
    from core.testing.factories import drop_test_tenants
    from usuarios.models import Rol, Usuario

    schema = f"nuevo_{uuid.uuid4().hex[:8]}"
    dominio = f"{schema.replace('_', '-')}.localhost"
    page, base = browser_page, f"http://localhost:{http_server.port}"
    admin_login(page, base, operator.email)
    page.wait_for_url(f"{base}/admin/")
    assert "Plataforma · administración" in page.inner_text("#site-name")
    try:
        page.goto(f"{base}/admin/core/tenant/add/")
        page.fill("#id_schema_name", schema)
        page.fill("#id_nombre", "Clínica Norte")
        page.fill("#id_dominio", dominio)
        page.fill("#id_admin_nombre", "Ana")
        page.fill("#id_admin_email", "notanemail")
        page.fill("#id_admin_password", "corta")
        page.click("input[name=_save]")
        page.wait_for_selector(".errorlist")
        errors = page.inner_text("#content-main")
        assert "email" in errors.lower() and not Tenant.objects.filter(schema_name=schema).exists()
        page.screenshot(path=str(ARTIFACTS / "admin-nuevo-tenant-errores.png"), full_page=True)
        page.fill("#id_admin_email", f"ana@{dominio}")
        page.fill("#id_admin_password", "una-clave-larga-y-buena-2026")
        page.click("input[name=_save]")
        page.wait_for_selector(".messagelist")
        tenant = Tenant.objects.get(schema_name=schema)
        assert Domain.objects.get(tenant=tenant).domain == dominio
        with schema_context(schema):
            assert Usuario.objects.get(email=f"ana@{dominio}").rol == Rol.ADMIN

        tenant_base = f"http://{dominio}:{http_server.port}"
        admin_login(page, tenant_base, f"ana@{dominio}", password="una-clave-larga-y-buena-2026")
        page.wait_for_url(f"{tenant_base}/admin/")
        assert "Clínica Norte · administración" in page.inner_text("#site-name")
        page.screenshot(path=str(ARTIFACTS / "admin-nuevo-tenant.png"), full_page=True)
    finally:
        drop_test_tenants([schema])


def test_the_admin_speaks_english_to_an_english_browser(browser_page, http_server, admin_a, backup_settings):
    from backups.services import backup_create

    with schema_context("alfa"):
        backup_create(actor=admin_a.user)
    page = browser_page.context.browser.new_page(locale="en-US")
    base = f"http://alfa.localhost:{http_server.port}"
    admin_login(page, base, admin_a.email)
    page.wait_for_url(f"{base}/admin/")
    assert "Alfa · administration" in page.inner_text("#site-name")
    page.goto(f"{base}/admin/productos/producto/add/")
    labels = page.locator("label").all_inner_texts()
    assert "Category:" in labels and "Supplier:" in labels, labels
    page.goto(f"{base}/admin/backups/backuprecord/")
    headers = [h.strip().lower() for h in page.locator("#result_list thead th").all_inner_texts()]
    assert {"file", "type", "size"} <= set(headers), headers
    page.screenshot(path=str(ARTIFACTS / "admin-en.png"), full_page=True)
    page.close()


def test_swagger_authorize_holds_the_token_and_the_tenant_for_try_it_out(browser_page, http_server, admin_a):
    """Authorize once, with the bearer token and the tenant, then Try it out on a tenant operation:
    the request carries both and is answered 200."""
    page = browser_page
    page.goto(f"{http_server.url}/api/docs/")
    page.wait_for_selector(".opblock-summary-path")
    page.click("button.authorize")
    dialog = page.locator(".dialog-ux")
    for name, value in (("jwtAuth", admin_a.token), ("tenantHeader", "alfa")):
        block = dialog.locator(".auth-container", has_text=name)
        block.locator("input").fill(value)
        block.locator("button.authorize").click()
    page.click("button.close-modal")
    operation = page.locator(".opblock", has=page.locator("[data-path='/api/usuarios/me/']")).first
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    with page.expect_response(lambda r: r.url.endswith("/api/usuarios/me/")) as answered:
        operation.locator("button.execute").click()
    response = answered.value
    assert response.status == 200, response.text()
    assert response.json()["email"] == admin_a.email
    assert response.request.headers["x-tenant-id"] == "alfa"
    page.screenshot(path=str(ARTIFACTS / "api-docs-try-it-out.png"))
