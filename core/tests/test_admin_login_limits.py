"""The admin panel's login is limited like the API's: per account and per address, on every admin."""

import re

import pytest
from django.core.cache import caches

from core.testing.admin import AdminBrowser
from core.testing.factories import PASSWORD


def _attempt(browser: AdminBrowser, email: str, password: str):
    page = browser.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    form = {"username": email, "password": password, "csrfmiddlewaretoken": token}
    return browser.http.post("/admin/login/?next=/admin/", data=form)


@pytest.mark.parametrize(("host", "who"), [("alfa.localhost", "admin_a"), ("localhost", "operator")])
def test_guessing_an_admin_password_is_cut_off_then_the_right_one_is_refused_too(
    http_server, settings, request, host, who
):
    actor = request.getfixturevalue(who)
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login": "5/min"}
    browser = AdminBrowser(http_server.url, host)
    for _ in range(5):
        refused = _attempt(browser, actor.email, "no-es-la-clave")
        assert refused.status_code == 200 and "errornote" in refused.text
    limited = _attempt(browser, actor.email, PASSWORD)
    assert limited.status_code == 200 and "Demasiados intentos" in limited.text
    assert "sessionid" not in browser.http.cookies
    # another account from the same address is not locked out by that one's guesses
    other = request.getfixturevalue("soporte_a" if who == "admin_a" else "operator")
    if other is not actor:
        assert _attempt(AdminBrowser(http_server.url, host), other.email, PASSWORD).status_code == 302


def test_the_admin_login_counts_in_the_per_address_limit_across_tenants(
    http_server, settings, admin_a, admin_b
):
    caches["global"].delete("throttle_login_ip_127.0.0.1")
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login_ip": "4/min"}
    try:
        for host, actor in (("alfa.localhost", admin_a), ("beta.localhost", admin_b)) * 2:
            _attempt(AdminBrowser(http_server.url, host), actor.email, "mal")
        limited = _attempt(AdminBrowser(http_server.url, "alfa.localhost"), admin_a.email, PASSWORD)
        assert limited.status_code == 200 and "Demasiados intentos" in limited.text
    finally:
        caches["global"].delete("throttle_login_ip_127.0.0.1")
