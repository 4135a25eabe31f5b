"""What customers may see and do in the shop: no cost prices, no supplier contacts, no cancelling a
paid order, no ordering what is hidden; order states only move forward."""

import uuid
from decimal import Decimal

from django_tenants.utils import schema_context

from core.testing.client import assert_error
from productos.services import catalogo


def test_customers_never_see_the_cost_price(shop, usuario_a, soporte_a):
    producto = shop.product()
    with schema_context("alfa"):
        catalogo.producto_update(producto=producto, costo=Decimal("4.00"))
    mine = shop.call("GET", f"productos/{producto.pk}/", usuario_a).json()
    assert "costo" not in mine and mine["precio"] == "10.00"
    listed = shop.call("GET", "productos/", usuario_a, params={"search": producto.sku}).json()["results"]
    assert listed and all("costo" not in p for p in listed)
    assert shop.call("GET", f"productos/{producto.pk}/", soporte_a).json()["costo"] == "4.00"


def test_supplier_contacts_are_for_staff_only(shop, usuario_a, soporte_a):
    with schema_context("alfa"):
        proveedor = catalogo.proveedor_create(
            nombre=f"Prov {uuid.uuid4().hex[:6]}", email="ventas@proveedor.test", telefono="+34 600 000 000"
        )
    seen = shop.call("GET", f"proveedores/{proveedor.pk}/", usuario_a).json()
    assert seen == {"id": proveedor.pk, "nombre": proveedor.nombre, "activo": True}
    listed = shop.call("GET", "proveedores/", usuario_a).json()["results"]
    assert all("email" not in p and "telefono" not in p for p in listed)
    staff = shop.call("GET", f"proveedores/{proveedor.pk}/", soporte_a).json()
    assert staff["email"] == "ventas@proveedor.test" and staff["telefono"] == "+34 600 000 000"


def test_a_customer_cannot_cancel_a_paid_order_and_staff_records_the_refund(shop, usuario_a, soporte_a):
    producto = shop.product(stock=5, precio="10.00")
    pedido = shop.new_order(usuario_a, [{"producto": producto.pk, "cantidad": 2}])
    assert shop.pay(usuario_a, pedido["id"], "20.00").status_code == 201
    assert_error(shop.call("POST", f"pedidos/{pedido['id']}/cancelar/", usuario_a), 409, "pedido_pagado")
    assert shop.call("GET", f"pedidos/{pedido['id']}/", usuario_a).json()["estado"] == "pagado"
    cancelled = shop.call("POST", f"pedidos/{pedido['id']}/cancelar/", soporte_a)
    assert cancelled.status_code == 200, cancelled.text
    body = cancelled.json()
    assert body["estado"] == "cancelado" and body["pagado"] == "20.00" and body["reembolsado"] == "20.00"
    assert [r["monto"] for r in body["reembolsos"]] == ["20.00"]
    assert shop.stock(producto) == 5
    seen = shop.call("GET", f"pedidos/{pedido['id']}/", usuario_a).json()
    assert seen["reembolsado"] == "20.00"


def test_an_unpaid_order_is_still_cancelled_by_its_customer_without_refund(shop, usuario_a):
    producto = shop.product(stock=5)
    pedido = shop.new_order(usuario_a, [{"producto": producto.pk, "cantidad": 1}])
    body = shop.call("POST", f"pedidos/{pedido['id']}/cancelar/", usuario_a).json()
    assert body["estado"] == "cancelado" and body["reembolsado"] == "0.00" and body["reembolsos"] == []


def test_a_product_of_an_inactive_category_cannot_be_ordered(shop, usuario_a):
    with schema_context("alfa"):
        categoria = catalogo.categoria_create(nombre=f"Oculta {uuid.uuid4().hex[:6]}")
    producto = shop.product(stock=5, categoria=categoria)
    with schema_context("alfa"):
        catalogo.categoria_update(categoria=categoria, activa=False)
    assert_error(shop.call("GET", f"productos/{producto.pk}/", usuario_a), 404)
    body = assert_error(
        shop.order(usuario_a, [{"producto": producto.pk, "cantidad": 1}]), 400, "validation_error"
    )
    assert "items" in body["details"]
    assert shop.stock(producto) == 5


def test_order_states_only_move_forward_and_anything_else_is_409(shop, usuario_a, soporte_a):
    producto = shop.product(stock=5)
    pedido = shop.new_order(usuario_a, [{"producto": producto.pk, "cantidad": 1}])
    path = f"pedidos/{pedido['id']}/estado/"
    for estado in ("pagado", "enviado", "entregado", "cancelado", "pendiente"):
        assert_error(shop.call("PATCH", path, soporte_a, json={"estado": estado}), 409, "invalid_transition")
    assert_error(shop.call("PATCH", path, soporte_a, json={"estado": "volando"}), 400, "validation_error")
    shop.pay(usuario_a, pedido["id"], pedido["total"])
    assert_error(shop.call("PATCH", path, soporte_a, json={"estado": "pagado"}), 409, "invalid_transition")
    assert shop.call("PATCH", path, soporte_a, json={"estado": "enviado"}).json()["estado"] == "enviado"
    assert_error(shop.call("PATCH", path, soporte_a, json={"estado": "enviado"}), 409, "invalid_transition")


def test_an_unknown_order_is_404_whatever_the_body(shop, soporte_a, usuario_a):
    assert_error(shop.call("PATCH", "pedidos/999999/estado/", soporte_a, json={"estado": "volando"}), 404)
    assert_error(shop.call("PATCH", "pedidos/999999/estado/", usuario_a, json={"estado": "enviado"}), 403)
