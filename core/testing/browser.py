"""A real browser for tests: headless Chromium (Debian's package) driven by Playwright with the
system browser. Screenshots go to artifacts/."""

import os
import shutil

import pytest

from core.local_services import BASE_DIR
from core.testing.factories import PASSWORD

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
        # the operators these tests play read Spanish (a test that wants English opens its own page)
        page = browser.new_page(locale="es-ES")
        page.set_default_timeout(20_000)
        yield page
        browser.close()


def admin_login(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/admin/")
    assert "/admin/login/" in page.url
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


def admin_action(page, changelist: str, objects, action: str) -> str:
    """Run a list action of the admin on these objects, as an operator does; returns the
    messages it answered with."""
    page.goto(changelist)
    for obj in objects:
        page.check(f"input[name=_selected_action][value='{obj.pk}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist")
    return page.inner_text(".messagelist")
