"""The OpenAPI contract: the committed openapi.yaml is what the API serves, and each operation
lists its own error statuses and codes (every error a test receives is checked against them by
`core.testing.client.assert_error`)."""

import inspect
from importlib import import_module

import yaml
from django.conf import settings

from core.testing.client import assert_error
from core.testing.openapi import documented_errors


def test_the_committed_schema_is_the_served_one(api):
    served = api.get("/api/schema/")
    assert served.status_code == 200
    committed = yaml.safe_load((settings.BASE_DIR / "openapi.yaml").read_text())
    assert yaml.safe_load(served.text) == committed, "openapi.yaml is out of date: run `make openapi`"


def test_each_operation_lists_its_own_errors():
    estado = documented_errors("PATCH", "/api/tickets/tickets/x/estado/")
    assert estado[409] >= {"invalid_transition"} and "stock_insuficiente" not in estado[409]
    assert "tenant_maintenance" in estado[503] and "permission_denied" in estado[403]
    me = documented_errors("GET", "/api/usuarios/me/")
    assert 409 not in me and 403 in me and me[403] == {"tenant_inactive"}  # no role refuses /me
    assert 413 not in me and "not_found" not in me.get(404, set())
    pedido = documented_errors("POST", "/api/productos/pedidos/")
    assert pedido[409] >= {"stock_insuficiente"} and pedido[422] == {"idempotency_key_reused"}
    login = documented_errors("POST", "/api/auth/token/")
    assert "invalid_credentials" in login[401] and "throttled" in login[429]
    assert "tenant_required" not in login[400]  # login also works in the public schema
    productos = documented_errors("GET", "/api/productos/productos/")
    assert 403 in productos and "permission_denied" not in productos[403]  # every user reads
    assert "permission_denied" in documented_errors("POST", "/api/productos/productos/")[403]
    assert "citus_required" in documented_errors("POST", "/api/tenants/x/mover/")[409]


def test_id_filters_are_integers_and_booleans_are_booleans(api):
    schema = yaml.safe_load(api.get("/api/schema/").text)

    def parameter(path, name):
        return next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name)["schema"]

    for path, name in (
        ("/api/tickets/tickets/", "asignado_a"),
        ("/api/tickets/tickets/", "usuario_id"),
        ("/api/productos/productos/", "categoria"),
        ("/api/productos/productos/", "proveedor"),
    ):
        assert parameter(path, name) == {"type": "integer"}
    assert parameter("/api/usuarios/usuarios/", "activo") == {"type": "boolean"}


def test_a_fractional_id_filter_is_refused(api, admin_a):
    for path in (
        "/api/tickets/tickets/?usuario_id=1.5",
        "/api/productos/productos/?categoria=2.5",
        "/api/productos/productos/?proveedor=uno",
    ):
        assert_error(api.get(path, tenant="alfa", token=admin_a.token), 400, "validation_error")


def test_no_docstring_reaches_the_documentation():
    """Docstrings are notes in English for the code's readers; the API documents itself in Spanish."""
    schema_text = yaml.safe_dump(
        yaml.safe_load((settings.BASE_DIR / "openapi.yaml").read_text()), width=10**6, allow_unicode=True
    )
    views = set()
    stack = list(import_module("core.urls.api_schema").urlpatterns)
    while stack:
        pattern = stack.pop()
        stack.extend(getattr(pattern, "url_patterns", []))
        callback = getattr(pattern, "callback", None)
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if view is not None:
            views.add(view)
    docstrings = set()
    for view in views:
        for member in (view, *(getattr(view, m) for m in dir(view) if not m.startswith("_"))):
            doc = inspect.getdoc(member) if callable(member) else None
            first = (doc or "").split("\n")[0].strip()
            if len(first) > 20 and view.__module__.split(".")[0] in {
                "core",
                "usuarios",
                "tickets",
                "productos",
                "backups",
            }:
                docstrings.add(first)
    assert len(docstrings) > 5
    assert [d for d in docstrings if d in schema_text] == []
