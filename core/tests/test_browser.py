"""A real browser on the admin panel: headless Chromium (Debian's package, driven by Playwright
with the system browser) logs into a tenant's admin by hostname, creates a product and a ticket,
sees them listed, and cannot log into another tenant's admin. Screenshots go to artifacts/."""

import os
import shutil
import uuid
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from core.local_services import BASE_DIR
from core.testing.factories import PASSWORD

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = BASE_DIR / "artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(monkeypatch):
    if CHROMIUM is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER is set but Chromium is not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own DB calls are sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.set_default_timeout(20_000)
        yield page
        browser.close()


def _login(page, base: str, email: str) -> None:
    page.goto(f"{base}/admin/")
    assert "/admin/login/" in page.url
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_tenant_admin_creates_a_product_and_a_ticket_in_the_browser(
    browser_page, http_server, admin_a, usuario_a
):
    from productos.services import catalogo

    with schema_context("alfa"):
        categoria = catalogo.categoria_create(nombre=f"Navegador {uuid.uuid4().hex[:6]}")
    page, base = browser_page, f"http://alfa.localhost:{http_server.port}"
    sku, titulo = f"NAV-{uuid.uuid4().hex[:6].upper()}", f"Ticket desde el navegador {uuid.uuid4().hex[:6]}"

    _login(page, base, admin_a.email)
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
    _login(page, base, admin_a.email)
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
