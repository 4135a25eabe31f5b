"""The JSON API skips the browser's middleware (sessions, CSRF, messages); the admin keeps it."""

import httpx
from django.core.checks import run_checks

from core.testing.admin import AdminBrowser
from core.testing.client import assert_error


def test_an_api_request_reads_no_session_and_sets_no_cookie(api, usuario_a, sql_log):
    api.get("/api/usuarios/me/", tenant="alfa", token=usuario_a.token)
    sql_log.clear()
    response = api.get(
        "/api/usuarios/me/",
        tenant="alfa",
        token=usuario_a.token,
        headers={"Cookie": "sessionid=whatever; csrftoken=abc"},
    )
    assert response.status_code == 200
    assert "set-cookie" not in response.headers
    assert "Cookie" not in response.headers.get("vary", "")
    assert not [s for s in sql_log.statements if "django_session" in s]


def test_an_api_write_needs_no_csrf_token_but_a_bad_token_is_still_refused(api, usuario_a):
    created = api.post(
        "/api/tickets/tickets/",
        tenant="alfa",
        token=usuario_a.token,
        json={"titulo": "Sin CSRF"},
        headers={"Cookie": "csrftoken=abc"},
    )
    assert created.status_code == 201, created.text
    refused = api.post("/api/tickets/tickets/", tenant="alfa", token="no-es-un-token", json={"titulo": "x"})
    assert_error(refused, 401)


def test_the_admin_still_has_sessions_and_csrf(http_server, admin_a):
    with httpx.Client(base_url=http_server.url, headers={"Host": "alfa.localhost"}) as client:
        page = client.get("/admin/login/")
        assert page.status_code == 200 and "csrftoken" in client.cookies
        without_token = client.post("/admin/login/", data={"username": admin_a.email, "password": "x"})
        assert without_token.status_code == 403  # CSRF refused it: the browser stack ran
    browser = AdminBrowser(http_server.url, "alfa.localhost")
    assert browser.login(admin_a.email).status_code == 302  # a session, kept by the cookie
    assert browser.get("/admin/usuarios/usuario/").status_code == 200


def test_the_check_names_a_browser_middleware_taken_away(settings):
    settings.BROWSER_MIDDLEWARE = [
        m for m in settings.BROWSER_MIDDLEWARE if m != "django.middleware.csrf.CsrfViewMiddleware"
    ]
    errors = [e for e in run_checks() if e.id == "core.E002"]
    assert len(errors) == 1 and "CsrfViewMiddleware" in errors[0].msg


STOCK = {
    "core.middleware.CorsMiddleware": "corsheaders.middleware.CorsMiddleware",
    "core.middleware.LocaleMiddleware": "django.middleware.locale.LocaleMiddleware",
}
HEADERS_COMPARED = (
    "vary",
    "content-language",
    "access-control-allow-origin",
    "access-control-allow-headers",
    "access-control-allow-methods",
    "access-control-expose-headers",
    "access-control-allow-credentials",
    "content-type",
)
CASES = [
    ("GET", {}),
    ("GET", {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.8"}),
    ("GET", {"HTTP_ACCEPT_LANGUAGE": "fr"}),
    ("GET", {"HTTP_ORIGIN": "http://localhost:5173"}),
    ("GET", {"HTTP_ORIGIN": "https://evil.example", "HTTP_ACCEPT_LANGUAGE": "en"}),
    ("OPTIONS", {"HTTP_ORIGIN": "http://localhost:5173", "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET"}),
    ("OPTIONS", {}),
]


def _answers(usuario_a, cases, *, token: bool):
    from django.test import Client

    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {usuario_a.token}"} if token else {}
    answers = []
    for method, extra in cases:
        response = client.generic(method, "/api/usuarios/me/", HTTP_X_TENANT_ID="alfa", **auth, **extra)
        headers = {h: response.headers.get(h) for h in HEADERS_COMPARED}
        answers.append((response.status_code, headers, response.content if method == "GET" else b""))
    return answers


def test_the_cors_and_locale_shortcuts_answer_as_the_stock_middleware(settings, usuario_a):
    settings.CORS_ALLOWED_ORIGINS = ["http://localhost:5173"]
    for token in (True, False):  # an answer of the view, and an error before it
        ours = _answers(usuario_a, CASES, token=token)
        settings.MIDDLEWARE = [STOCK.get(m, m) for m in settings.MIDDLEWARE]
        stock = _answers(usuario_a, CASES, token=token)
        settings.MIDDLEWARE = [next((k for k, v in STOCK.items() if v == m), m) for m in settings.MIDDLEWARE]
        assert ours == stock
    assert ours[1][1]["content-language"] == "en" and ours[0][1]["content-language"] == "es"
    assert "origin" in ours[0][1]["vary"].lower() and "accept-language" in ours[0][1]["vary"].lower()
    assert ours[3][1]["access-control-allow-origin"] == "http://localhost:5173"
