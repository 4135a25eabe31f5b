"""LeanFilterBackend: a list that names no filter skips django-filter; one that does is filtered
and validated as before."""

from django_tenants.utils import schema_context

from core.testing.client import assert_error
from tickets.models import Estado, Ticket


def test_filters_apply_when_named_and_bad_values_are_still_refused(api, fresh_tenant, make_actor):
    schema = fresh_tenant.schema_name
    staff = make_actor(schema, "admin")
    with schema_context(schema):
        Ticket.objects.create(usuario=staff.user, titulo="Abierto")
        Ticket.objects.create(usuario=staff.user, titulo="Cerrado", estado=Estado.CERRADO)
    every = api.get("/api/tickets/tickets/", tenant=schema, token=staff.token).json()
    assert every["count"] == 2
    closed = api.get("/api/tickets/tickets/?estado=cerrado", tenant=schema, token=staff.token).json()
    assert [t["titulo"] for t in closed["results"]] == ["Cerrado"]
    assert_error(api.get("/api/tickets/tickets/?estado=nope", tenant=schema, token=staff.token), 400)
    assert_error(api.get("/api/tickets/tickets/?usuario_id=x", tenant=schema, token=staff.token), 400)


def test_an_unknown_ordering_is_refused_and_the_error_lists_the_allowed_fields(api, fresh_tenant, make_actor):
    schema = fresh_tenant.schema_name
    staff = make_actor(schema, "admin")
    with schema_context(schema):
        Ticket.objects.create(usuario=staff.user, titulo="B", prioridad="alta")
        Ticket.objects.create(usuario=staff.user, titulo="A", prioridad="baja")
    by_priority = api.get(
        "/api/tickets/tickets/?ordering=-prioridad", tenant=schema, token=staff.token
    ).json()
    assert [t["prioridad"] for t in by_priority["results"]] == ["alta", "baja"]
    for bad in ("titulo", "-prioridad,nope", "password", ",", "-prioridad,,titulo", "-"):
        body = assert_error(
            api.get(f"/api/tickets/tickets/?ordering={bad}", tenant=schema, token=staff.token), 400
        )
        assert "fecha_creacion" in str(body["details"]["ordering"])
    users = api.get("/api/usuarios/usuarios/?ordering=-email", tenant=schema, token=staff.token)
    assert users.status_code == 200
    assert_error(api.get("/api/usuarios/usuarios/?ordering=password", tenant=schema, token=staff.token), 400)


def test_the_schema_lists_the_ordering_fields_and_what_search_looks_in(api):
    schema = api.get("/api/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/tickets/tickets/"]["get"]["parameters"]}
    assert set(parameters["ordering"]["schema"]["enum"]) >= {"prioridad", "-prioridad", "fecha_creacion"}
    assert "titulo" in parameters["search"]["description"]


def test_search_ignores_accents_and_case_on_products_tickets_and_users(
    api, fresh_tenant, make_actor, admin_b
):
    from decimal import Decimal

    from productos.services import catalogo

    schema = fresh_tenant.schema_name
    staff = make_actor(schema, "admin")
    make_actor(schema, "usuario", nombre="José", apellido="Muñoz")
    with schema_context(schema):
        categoria = catalogo.categoria_create(nombre="Periféricos")
        for sku, nombre in (
            ("R1", "Ratón óptico"),
            ("R2", "RATÓN VERTICAL"),
            ("T1", "Teclado"),
            ("P1", "100% algodón"),
        ):
            catalogo.producto_create(sku=sku, nombre=nombre, precio=Decimal("1.00"), categoria=categoria)
        Ticket.objects.create(usuario=staff.user, titulo="Facturación errónea")
    with schema_context(admin_b.schema):
        catalogo.producto_create(
            sku="B1",
            nombre="Ratón de beta",
            precio=Decimal("1.00"),
            categoria=catalogo.categoria_create(nombre="B"),
        )

    def found(path: str, text: str, field: str) -> list[str]:
        response = api.get(path, tenant=schema, token=staff.token, params={"search": text})
        assert response.status_code == 200, response.text
        return sorted(row[field] for row in response.json()["results"])

    productos = "/api/productos/productos/"
    assert found(productos, "raton", "nombre") == ["RATÓN VERTICAL", "Ratón óptico"]
    assert found(productos, "RATÓN", "nombre") == ["RATÓN VERTICAL", "Ratón óptico"]
    assert found(productos, "optico", "nombre") == ["Ratón óptico"]
    assert found(productos, "%", "nombre") == ["100% algodón"]  # a wildcard is a plain character
    assert found(productos, "perifericos", "nombre") == []  # the category's name is not searched
    assert found("/api/productos/categorias/", "perifericos", "nombre") == ["Periféricos"]
    assert found("/api/tickets/tickets/", "FACTURACION ERRONEA", "titulo") == ["Facturación errónea"]
    assert found("/api/usuarios/usuarios/", "jose munoz", "nombre") == ["José"]  # each word, in any field
    assert found("/api/usuarios/usuarios/", "munoz", "apellido") == ["Muñoz"]


def test_search_text_that_is_not_a_word_is_taken_literally_and_a_novel_is_refused(api, admin_a):
    for text in ("[", "(", "\\", "a.*", "^$", "ñ?+{2}"):
        response = api.get(
            "/api/usuarios/usuarios/", tenant="alfa", token=admin_a.token, params={"search": text}
        )
        assert response.status_code == 200 and response.json()["count"] == 0, (text, response.text)
    too_long = api.get(
        "/api/usuarios/usuarios/", tenant="alfa", token=admin_a.token, params={"search": "x" * 201}
    )
    assert "search" in assert_error(too_long, 400, "validation_error")["details"]
    nul = api.get("/api/usuarios/usuarios/", tenant="alfa", token=admin_a.token, params={"search": "a\x00b"})
    assert_error(nul, 400, "validation_error")
