"""Tenant isolation, walked over every operation of the API schema (new endpoints are covered by
being in the schema).

Two tenants of their own: B's data carries a marker string and B's id sequences start past 1000,
so B's ids never name an object of A. For each operation, on tenant A:
- no token: 401 (except the open auth endpoints);
- a token of tenant B: 401;
- a token of each weaker role: 403 where the contract reserves the operation;
- B's ids in the path, the body and the filters, with every role of A;
and never a 5xx, never a byte of tenant B's data.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from core.models import Tenant
from core.testing.factories import Actor, create_test_tenant

MARKER = f"SECRETO-B-{uuid.uuid4().hex[:8]}"
OPEN = {"/api/auth/register/", "/api/auth/token/", "/api/auth/token/refresh/", "/api/auth/logout/"}
# The least role each operation needs, where it is more than "any user of the tenant".
ADMIN_ONLY = (r"^/api/backups/", r"^/api/usuarios/usuarios/")
STAFF_WRITES = (r"^/api/productos/(categorias|proveedores|productos)/",)
STAFF_ONLY = (r"/asignar/$", r"^/api/productos/pedidos/\{id\}/estado/$")


def _minimum_role(method: str, path: str) -> str:
    if any(re.search(p, path) for p in ADMIN_ONLY):
        return "admin"
    if any(re.search(p, path) for p in STAFF_ONLY):
        return "staff"
    if method != "GET" and any(re.search(p, path) for p in STAFF_WRITES):
        return "staff"
    return "usuario"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        suffix = uuid.uuid4().hex[:8]
        a, b = create_test_tenant(f"iso_a_{suffix}"), create_test_tenant(f"iso_b_{suffix}")
        with connection.cursor() as cursor:
            cursor.execute(
                # identity sequences are not in information_schema.sequences
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'S' AND n.nspname = %s",
                [b.schema_name],
            )
            for (seq,) in cursor.fetchall():
                cursor.execute(f'SELECT setval(\'"{b.schema_name}"."{seq}"\', 1000)')
        actors = {
            "a": {rol: Actor(a.schema_name, rol) for rol in ("admin", "soporte", "usuario")},
            "b": {rol: Actor(b.schema_name, rol, nombre=MARKER) for rol in ("admin", "soporte", "usuario")},
        }
        ids = _fill_b(b.schema_name, actors["b"])
        yield {"a": a.schema_name, "b": b.schema_name, "actors": actors, "ids": ids}
        connection.set_schema_to_public()
        for tenant in (a, b):
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
            Tenant.objects.filter(pk=tenant.pk).delete()


def _fill_b(schema: str, actors: dict) -> dict:
    from backups.services import backup_create
    from productos.services import catalogo
    from productos.services.pedidos import pago_create, pedido_create
    from tickets.services import interaccion_create, ticket_create

    with schema_context(schema):
        ticket = ticket_create(actor=actors["usuario"].user, titulo=MARKER, descripcion=MARKER)
        interaccion_create(
            actor=actors["soporte"].user, ticket_id=ticket.pk, tipo="nota_interna", contenido=MARKER
        )
        categoria = catalogo.categoria_create(nombre=MARKER)
        proveedor = catalogo.proveedor_create(nombre=MARKER)
        producto = catalogo.producto_create(
            sku=MARKER,
            nombre=MARKER,
            descripcion=MARKER,
            precio=Decimal("5"),
            categoria=categoria,
            proveedor=proveedor,
            stock=50,
        )
        pedido, _ = pedido_create(
            actor=actors["usuario"].user, items=[{"producto": producto.pk, "cantidad": 1}], notas=MARKER
        )
        pago_create(
            actor=actors["usuario"].user,
            pedido_id=pedido.pk,
            monto=Decimal("1"),
            metodo="efectivo",
            referencia=MARKER,
        )
        backup, _ = backup_create(actor=actors["admin"].user, allow_async=False)
    return {
        "ticket": str(ticket.pk),
        "categoria": categoria.pk,
        "proveedor": proveedor.pk,
        "producto": producto.pk,
        "pedido": pedido.pk,
        "backup": backup.pk,
        "usuario": actors["usuario"].user.pk,
        "staff": actors["soporte"].user.pk,
    }


@pytest.fixture(scope="module")
def operations(api):
    schema = api.get("/api/schema/", params={"format": "json"}).json()
    ops = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                ops.append((method.upper(), path, op))
    assert len(ops) > 40, "the walk found too few operations: is the schema complete?"
    return ops


def _path_id(path: str, ids: dict) -> str:
    for prefix, key in (
        ("/api/tickets/tickets/", "ticket"),
        ("/api/productos/categorias/", "categoria"),
        ("/api/productos/proveedores/", "proveedor"),
        ("/api/productos/productos/", "producto"),
        ("/api/productos/pedidos/", "pedido"),
        ("/api/backups/history/", "backup"),
        ("/api/usuarios/usuarios/", "usuario"),
    ):
        if path.startswith(prefix):
            return str(ids[key])
    return "1"


def _body(ids: dict) -> dict:
    """One body for every write, full of tenant B's ids."""
    return {
        "ticket_id": ids["ticket"],
        "tipo": "comentario",
        "contenido": "hola",
        "titulo": "x",
        "descripcion": "x",
        "usuario_id": ids["usuario"],
        "asignado_a": ids["staff"],
        "estado": "cerrado",
        "items": [{"producto": ids["producto"], "cantidad": 1}],
        "monto": "1.00",
        "metodo": "efectivo",
        "categoria": ids["categoria"],
        "proveedor": ids["proveedor"],
        "sku": f"NEW-{uuid.uuid4().hex[:6]}",
        "nombre": "x",
        "precio": "1.00",
        "confirm": "x",
        "backup_type": "manual",
    }


def _filters(ids: dict) -> dict:
    return {
        "usuario_id": ids["usuario"],
        "asignado_a": ids["staff"],
        "categoria": ids["categoria"],
        "proveedor": ids["proveedor"],
    }


def _check(response, where: str) -> None:
    assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
    assert MARKER not in response.text, f"{where}: tenant B's data leaked: {response.text[:300]}"


def _tenant_ops(operations):
    return [
        (m, p, op)
        for m, p, op in operations
        if any(x.get("name") == "X-Tenant-ID" for x in op.get("parameters", []))
    ]


def test_every_operation_refuses_no_token_and_another_tenants_token(api, world, operations):
    ids, b_token = world["ids"], world["actors"]["b"]["admin"].token
    for method, path, _op in _tenant_ops(operations):
        url = path.replace("{id}", _path_id(path, ids)).replace("{schema_name}", world["b"])
        anonymous = api.request(method, url, tenant=world["a"], json=_body(ids))
        _check(anonymous, f"{method} {path} without token")
        if path not in OPEN:
            assert anonymous.status_code == 401, f"{method} {path} without token: {anonymous.status_code}"
        foreign = api.request(method, url, tenant=world["a"], token=b_token, json=_body(ids))
        _check(foreign, f"{method} {path} with tenant B's token")
        if path not in OPEN:
            assert foreign.status_code == 401, f"{method} {path} with tenant B's token: {foreign.status_code}"


def test_weaker_roles_are_refused_where_the_contract_says(api, world, operations):
    ids = world["ids"]
    actors = world["actors"]["a"]
    for method, path, _op in _tenant_ops(operations):
        if path in OPEN:
            continue
        needed = _minimum_role(method, path)
        weaker = {"admin": ["soporte", "usuario"], "staff": ["usuario"], "usuario": []}[needed]
        url = path.replace("{id}", _path_id(path, ids))
        for rol in weaker:
            response = api.request(method, url, tenant=world["a"], token=actors[rol].token, json=_body(ids))
            _check(response, f"{method} {path} as {rol}")
            assert response.status_code == 403, (
                f"{method} {path} as {rol}: {response.status_code} {response.text[:200]}"
            )


def test_another_tenants_ids_in_paths_bodies_and_filters_reveal_nothing(api, world, operations):
    ids = world["ids"]
    for rol, actor in world["actors"]["a"].items():
        for method, path, _op in _tenant_ops(operations):
            url = path.replace("{id}", _path_id(path, ids))
            params = _filters(ids) if method == "GET" else None
            response = api.request(
                method, url, tenant=world["a"], token=actor.token, json=_body(ids), params=params
            )
            _check(response, f"{method} {path} as {rol} with B's ids")
            if "{id}" in path and response.status_code < 400:
                pytest.fail(f"{method} {path} as {rol} accepted tenant B's id: {response.status_code}")
    # and B's data is all still there, unchanged by anything A did
    with schema_context(world["b"]):
        from productos.models import Producto
        from tickets.models import Ticket

        assert Ticket.objects.get(pk=ids["ticket"]).estado == "abierto"
        assert Producto.objects.get(pk=ids["producto"]).stock == 49


def test_platform_operations_refuse_tenant_tokens(api, world, operations):
    public_ops = [(m, p) for m, p, op in operations if p.startswith("/api/tenants/")]
    assert public_ops
    for method, path in public_ops:
        url = path.replace("{schema_name}", world["b"])
        for actor in world["actors"]["a"].values():
            response = api.request(method, url, token=actor.token, json={"activo": False})
            _check(response, f"{method} {path} with a tenant token")
            assert response.status_code == 401
    assert Tenant.objects.get(schema_name=world["b"]).activo is True
