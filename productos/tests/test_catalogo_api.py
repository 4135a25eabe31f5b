"""Catalogue CRUD: staff write, everyone reads; SKU unique whatever the case or the race."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django_tenants.utils import schema_context

from core.testing.client import assert_error
from productos.models import Producto


def _product_body(categoria_id, **extra):
    import uuid

    return {
        "sku": f"sku-{uuid.uuid4().hex[:8]}",
        "nombre": "Café molido",
        "precio": "12.50",
        "stock": 5,
        "categoria": categoria_id,
        **extra,
    }


@pytest.fixture
def categoria(shop, soporte_a):
    import uuid

    response = shop.call("POST", "categorias/", soporte_a, json={"nombre": f"Bebidas {uuid.uuid4().hex[:6]}"})
    assert response.status_code == 201, response.text
    return response.json()


def test_staff_create_and_everyone_reads(shop, soporte_a, usuario_a, categoria):
    assert categoria["slug"].startswith("bebidas-") and categoria["activa"] is True
    proveedor = shop.call(
        "POST", "proveedores/", soporte_a, json={"nombre": "Tostadores SA", "email": "t@x.com"}
    )
    assert proveedor.status_code == 201
    created = shop.call(
        "POST", "productos/", soporte_a, json=_product_body(categoria["id"], proveedor=proveedor.json()["id"])
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["sku"] == body["sku"].upper()
    assert body["categoria"] == {
        "id": categoria["id"],
        "nombre": categoria["nombre"],
        "slug": categoria["slug"],
    }
    assert body["proveedor"]["nombre"] == "Tostadores SA"
    assert shop.call("GET", f"productos/{body['id']}/", usuario_a).json()["precio"] == "12.50"


@pytest.mark.parametrize("path", ["categorias/", "proveedores/", "productos/"])
def test_users_cannot_write_and_other_tenants_cannot_touch(shop, usuario_a, admin_b, path):
    assert_error(shop.call("POST", path, usuario_a, json={"nombre": "x"}), 403, "permission_denied")
    assert_error(shop.call("GET", path, admin_b), 401)
    assert_error(shop.call("GET", path), 401, "not_authenticated")
    assert shop.call("GET", path, usuario_a).status_code == 200


def test_duplicate_sku_in_any_case_is_400(shop, soporte_a, categoria):
    body = _product_body(categoria["id"])
    assert shop.call("POST", "productos/", soporte_a, json=body).status_code == 201
    again = {**body, "sku": body["sku"].lower()}
    assert "sku" in assert_error(shop.call("POST", "productos/", soporte_a, json=again), 400)["details"]


def test_racing_creates_of_one_sku_give_one_201_and_400s(shop, soporte_a, categoria):
    body = _product_body(categoria["id"])
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(
            pool.map(lambda _: shop.call("POST", "productos/", soporte_a, json=body).status_code, range(6))
        )
    assert statuses == [201, 400, 400, 400, 400, 400]


def test_duplicate_category_name_in_any_case_is_400(shop, soporte_a, categoria):
    response = shop.call("POST", "categorias/", soporte_a, json={"nombre": categoria["nombre"].upper()})
    assert "nombre" in assert_error(response, 400)["details"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"precio": "0"}, "precio"),
        ({"precio": "-3"}, "precio"),
        ({"precio": "1.2.3"}, "precio"),
        ({"precio": "abc"}, "precio"),
        ({"precio": "1.999"}, "precio"),
        ({"precio": "1e20"}, "precio"),
        ({"costo": "-1"}, "costo"),
        ({"stock": -1}, "stock"),
        ({"stock": "muchos"}, "stock"),
        ({"categoria": 999999}, "categoria"),
        ({"sku": "   "}, "sku"),
        ({"nombre": ""}, "nombre"),
    ],
)
def test_product_bad_input(shop, soporte_a, categoria, extra, field):
    response = shop.call("POST", "productos/", soporte_a, json=_product_body(categoria["id"], **extra))
    assert field in assert_error(response, 400, "validation_error")["details"]


def test_update_and_delete_rules(shop, soporte_a, usuario_a, categoria):
    product = shop.call("POST", "productos/", soporte_a, json=_product_body(categoria["id"])).json()
    changed = shop.call(
        "PATCH", f"productos/{product['id']}/", soporte_a, json={"precio": "15.00", "sku": "nuevo-sku-x"}
    )
    assert changed.status_code == 200 and changed.json()["sku"] == "NUEVO-SKU-X"
    assert_error(shop.call("PATCH", f"productos/{product['id']}/", soporte_a, json={"precio": "0"}), 400)
    assert_error(shop.call("DELETE", f"categorias/{categoria['id']}/", soporte_a), 409, "in_use")
    shop.new_order(usuario_a, [{"producto": product["id"], "cantidad": 1}])
    assert_error(shop.call("DELETE", f"productos/{product['id']}/", soporte_a), 409, "in_use")
    spare = shop.call("POST", "productos/", soporte_a, json=_product_body(categoria["id"])).json()
    assert shop.call("DELETE", f"productos/{spare['id']}/", soporte_a).status_code == 204
    assert_error(shop.call("GET", f"productos/{spare['id']}/", soporte_a), 404)
    assert_error(shop.call("GET", "productos/abc/", soporte_a), 404)
    assert_error(shop.call("GET", "productos/99999999999999999/", soporte_a), 404)


def test_customers_see_only_what_is_for_sale(shop, usuario_a, soporte_a):
    hidden = shop.product(activo=False)
    assert_error(shop.call("GET", f"productos/{hidden.pk}/", usuario_a), 404)
    assert shop.call("GET", f"productos/{hidden.pk}/", soporte_a).status_code == 200


def test_list_search_filters_and_ordering(shop_for, fresh_tenant, make_actor):
    schema = fresh_tenant.schema_name
    shop = shop_for(schema)
    staff = make_actor(schema, "soporte")
    with schema_context(schema):
        from productos.services import catalogo

        cafe = catalogo.categoria_create(nombre="Café")
        te = catalogo.categoria_create(nombre="Té")
    shop.product(sku="CAF-1", nombre="Café de Colombia", precio="9.90", categoria=cafe)
    shop.product(sku="CAF-2", nombre="Café de Etiopía", precio="14.00", categoria=cafe)
    shop.product(sku="TE-1", nombre="Té verde", precio="4.50", categoria=te, activo=False)

    def skus(**params):
        return [p["sku"] for p in shop.call("GET", "productos/", staff, params=params).json()["results"]]

    assert skus(ordering="precio") == ["TE-1", "CAF-1", "CAF-2"]
    assert skus(ordering="-precio")[0] == "CAF-2"
    assert skus(search="etiop") == ["CAF-2"] and skus(search="te-1") == ["TE-1"]
    assert skus(categoria=te.pk) == ["TE-1"]
    assert skus(precio_min="5", precio_max="10") == ["CAF-1"]
    assert skus(activo="false") == ["TE-1"]
    page = shop.call("GET", "productos/", staff, params={"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    for bad in ({"precio_min": "abc"}, {"activo": "quizá"}, {"categoria": "x"}):
        assert_error(shop.call("GET", "productos/", staff, params=bad), 400)


def test_product_list_sql_is_constant_in_page_size(shop_for, fresh_tenant, make_actor, sql_log):
    schema = fresh_tenant.schema_name
    shop = shop_for(schema)
    staff = make_actor(schema, "admin")
    for i in range(60):
        shop.product(nombre=f"P{i}")
    counts = []
    for size in (10, 60):
        shop.call("GET", "productos/", staff, params={"page_size": size})
        sql_log.clear()
        assert (
            len(shop.call("GET", "productos/", staff, params={"page_size": size}).json()["results"]) == size
        )
        counts.append(len(sql_log.statements))
    assert counts[0] == counts[1], counts


def test_another_tenants_ids_reveal_nothing(shop, shop_for, admin_b, usuario_a):
    product = shop.product(nombre="Secreto de alfa")
    response = shop_for("beta").call("GET", f"productos/{product.pk}/", admin_b)
    assert "Secreto de alfa" not in json.dumps(response.json())
    with schema_context("beta"):
        assert not Producto.objects.filter(nombre="Secreto de alfa").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"nombre": ""}, "nombre"),
        ({"nombre": "P", "email": "no-es-email"}, "email"),
        ({"nombre": "x" * 161}, "nombre"),
        ({"nombre": "P", "activo": "quizá"}, "activo"),
    ],
)
def test_proveedor_bad_input(shop, soporte_a, body, field):
    assert field in assert_error(shop.call("POST", "proveedores/", soporte_a, json=body), 400)["details"]


def test_proveedor_update_and_delete(shop, soporte_a, usuario_a):
    created = shop.call("POST", "proveedores/", soporte_a, json={"nombre": "Uno", "telefono": "600"}).json()
    changed = shop.call("PATCH", f"proveedores/{created['id']}/", soporte_a, json={"activo": False})
    assert changed.json()["activo"] is False
    assert_error(
        shop.call("GET", f"proveedores/{created['id']}/", usuario_a), 404
    )  # inactive: hidden from customers
    assert_error(shop.call("PATCH", f"proveedores/{created['id']}/", usuario_a, json={"nombre": "x"}), 403)
    assert shop.call("DELETE", f"proveedores/{created['id']}/", soporte_a).status_code == 204
