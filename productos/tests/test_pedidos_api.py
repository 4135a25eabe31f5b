"""Orders and payments over HTTP: prices from the database, stock taken atomically, idempotency."""

import pytest
from django_tenants.utils import schema_context

from core.testing.client import assert_error
from productos.models import Pedido


def test_order_takes_prices_from_the_database_and_stock_at_once(shop, usuario_a):
    a, b = shop.product(stock=5, precio="10.00"), shop.product(stock=3, precio="2.25")
    items = [{"producto": a.pk, "cantidad": 2, "precio_unitario": "0.01"}, {"producto": b.pk, "cantidad": 3}]
    body = shop.new_order(usuario_a, items, notas="Sin prisa", total="1.00")
    assert body["total"] == "26.75" and body["estado"] == "pendiente" and body["pagado"] == "0.00"
    assert body["numero"].startswith("PED-") and body["usuario_id"] == usuario_a.user.pk
    assert [(i["sku"], i["cantidad"], i["precio_unitario"], i["subtotal"]) for i in body["items"]] == [
        (a.sku, 2, "10.00", "20.00"),
        (b.sku, 3, "2.25", "6.75"),
    ]
    assert (shop.stock(a), shop.stock(b)) == (3, 0)


def test_repeated_products_are_summed(shop, usuario_a):
    a = shop.product(stock=5)
    body = shop.new_order(usuario_a, [{"producto": a.pk, "cantidad": 2}, {"producto": a.pk, "cantidad": 1}])
    assert [i["cantidad"] for i in body["items"]] == [3] and shop.stock(a) == 2


def test_a_shortage_changes_nothing_and_names_the_items(shop, usuario_a):
    plenty, scarce = shop.product(stock=50), shop.product(stock=1)
    response = shop.order(
        usuario_a, [{"producto": plenty.pk, "cantidad": 5}, {"producto": scarce.pk, "cantidad": 2}]
    )
    body = assert_error(response, 409, "stock_insuficiente")
    assert body["details"]["items"] == [
        {"producto": scarce.pk, "sku": scarce.sku, "solicitado": 2, "disponible": 1}
    ]
    assert (shop.stock(plenty), shop.stock(scarce)) == (50, 1)
    with schema_context("alfa"):
        assert not Pedido.objects.filter(usuario_id=usuario_a.user.pk).exists()


@pytest.mark.parametrize(
    "items",
    [
        [],
        "nada",
        None,
        [{"producto": "abc", "cantidad": 1}],
        [{"cantidad": 1}],
        [{"producto": 1}],
        [{"producto": 1, "cantidad": 0}],
        [{"producto": 1, "cantidad": -4}],
        [{"producto": 1, "cantidad": "dos"}],
        [{"producto": 1, "cantidad": 10**9}],
        [{"producto": 1, "cantidad": 1.5}],
    ],
)
def test_order_bad_input(shop, usuario_a, items):
    assert "items" in assert_error(shop.order(usuario_a, items), 400, "validation_error")["details"]


def test_unknown_or_inactive_products_are_400(shop, usuario_a):
    inactive = shop.product(activo=False)
    for pid in (10**9, inactive.pk):
        assert (
            "items" in assert_error(shop.order(usuario_a, [{"producto": pid, "cantidad": 1}]), 400)["details"]
        )


def test_idempotent_order_replay_returns_the_same_order_and_takes_stock_once(shop, usuario_a, make_actor):
    a = shop.product(stock=10)
    items = [{"producto": a.pk, "cantidad": 4}]
    first = shop.order(usuario_a, items, key="pedido-123")
    again = shop.order(usuario_a, items, key="pedido-123")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers.get("idempotent-replayed") == "true"
    assert shop.stock(a) == 6
    assert_error(
        shop.order(usuario_a, [{"producto": a.pk, "cantidad": 1}], key="pedido-123"),
        422,
        "idempotency_key_reused",
    )
    # keys are per user: another user's identical key is another order
    other = shop.order(make_actor("alfa", "usuario"), items, key="pedido-123")
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"] and shop.stock(a) == 2
    assert_error(shop.order(usuario_a, items, key="x" * 256), 400)
    assert_error(shop.order(usuario_a, items, key="con espacio"), 400)


def test_users_see_their_own_orders_and_staff_all(shop, usuario_a, make_actor, soporte_a):
    a = shop.product(stock=10)
    mine = shop.new_order(usuario_a, [{"producto": a.pk, "cantidad": 1}])
    other = make_actor("alfa", "usuario")
    assert_error(shop.call("GET", f"pedidos/{mine['id']}/", other), 404)
    assert shop.call("GET", f"pedidos/{mine['id']}/", soporte_a).json()["numero"] == mine["numero"]
    listed = shop.call("GET", "pedidos/", usuario_a).json()
    assert {p["usuario_id"] for p in listed["results"]} == {usuario_a.user.pk}
    assert shop.call("GET", "pedidos/", soporte_a, params={"estado": "pendiente"}).status_code == 200
    assert_error(shop.call("GET", "pedidos/", soporte_a, params={"estado": "perdido"}), 400)
    assert_error(shop.call("GET", "pedidos/abc/", soporte_a), 404)


def test_payments_complete_the_order(shop, usuario_a):
    a = shop.product(stock=10, precio="30.00")
    pedido = shop.new_order(usuario_a, [{"producto": a.pk, "cantidad": 1}])
    first = shop.pay(usuario_a, pedido["id"], "10.00", referencia="parcial")
    assert first.status_code == 201 and first.json()["monto"] == "10.00"
    assert "monto" in assert_error(shop.pay(usuario_a, pedido["id"], "20.01"), 400)["details"]
    assert shop.pay(usuario_a, pedido["id"], "20.00").status_code == 201
    body = shop.call("GET", f"pedidos/{pedido['id']}/", usuario_a).json()
    assert body["estado"] == "pagado" and body["pagado"] == "30.00" and len(body["pagos"]) == 2
    assert_error(shop.pay(usuario_a, pedido["id"], "0.01"), 400)


def test_payment_replay_is_idempotent(shop, usuario_a):
    a = shop.product(stock=10, precio="30.00")
    pedido = shop.new_order(usuario_a, [{"producto": a.pk, "cantidad": 1}])
    first = shop.pay(usuario_a, pedido["id"], "5.00", key="pago-1")
    again = shop.pay(usuario_a, pedido["id"], "5.00", key="pago-1")
    assert first.json() == again.json() and again.headers.get("idempotent-replayed") == "true"
    assert shop.call("GET", f"pedidos/{pedido['id']}/", usuario_a).json()["pagado"] == "5.00"
    assert_error(shop.pay(usuario_a, pedido["id"], "6.00", key="pago-1"), 422)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"monto": "0", "metodo": "tarjeta"}, "monto"),
        ({"monto": "-5", "metodo": "tarjeta"}, "monto"),
        ({"monto": "abc", "metodo": "tarjeta"}, "monto"),
        ({"monto": "5", "metodo": "bitcoin"}, "metodo"),
        ({"metodo": "tarjeta"}, "monto"),
    ],
)
def test_payment_bad_input(shop, usuario_a, body, field):
    a = shop.product(stock=10)
    pedido = shop.new_order(usuario_a, [{"producto": a.pk, "cantidad": 1}])
    response = shop.call("POST", f"pedidos/{pedido['id']}/pagos/", usuario_a, json=body)
    assert field in assert_error(response, 400)["details"]


def test_cancel_returns_stock_exactly_once_and_blocks_payment(shop, usuario_a, soporte_a):
    a = shop.product(stock=10)
    pedido = shop.new_order(usuario_a, [{"producto": a.pk, "cantidad": 4}])
    cancelled = shop.call("POST", f"pedidos/{pedido['id']}/cancelar/", usuario_a)
    assert cancelled.status_code == 200 and cancelled.json()["estado"] == "cancelado"
    assert shop.stock(a) == 10
    assert_error(shop.call("POST", f"pedidos/{pedido['id']}/cancelar/", usuario_a), 409, "pedido_cancelado")
    assert shop.stock(a) == 10
    assert_error(shop.pay(usuario_a, pedido["id"], "1.00"), 409, "pedido_cancelado")


def test_shipping_moves_and_what_cannot_be_cancelled(shop, usuario_a, soporte_a):
    a = shop.product(stock=10, precio="5.00")
    pedido = shop.new_order(usuario_a, [{"producto": a.pk, "cantidad": 1}])
    estado = f"pedidos/{pedido['id']}/estado/"
    assert_error(shop.call("PATCH", estado, soporte_a, json={"estado": "enviado"}), 409, "invalid_transition")
    shop.pay(usuario_a, pedido["id"], "5.00")
    assert_error(shop.call("PATCH", estado, usuario_a, json={"estado": "enviado"}), 403)
    assert_error(shop.call("PATCH", estado, soporte_a, json={"estado": "entregado"}), 409)
    # any move other than pagado -> enviado -> entregado is a conflict, as the contract says
    assert_error(
        shop.call("PATCH", estado, soporte_a, json={"estado": "cancelado"}), 409, "invalid_transition"
    )
    assert shop.call("PATCH", estado, soporte_a, json={"estado": "enviado"}).json()["estado"] == "enviado"
    assert_error(shop.call("POST", f"pedidos/{pedido['id']}/cancelar/", usuario_a), 409, "invalid_transition")
    assert shop.call("PATCH", estado, soporte_a, json={"estado": "entregado"}).json()["estado"] == "entregado"
    assert shop.stock(a) == 9


def test_another_tenants_token_is_refused_on_every_order_endpoint(shop, usuario_a, admin_b):
    a = shop.product(stock=10)
    pedido = shop.new_order(usuario_a, [{"producto": a.pk, "cantidad": 1}])
    pid = pedido["id"]
    calls = [
        ("GET", "pedidos/", None),
        ("POST", "pedidos/", {"items": [{"producto": a.pk, "cantidad": 1}]}),
        ("GET", f"pedidos/{pid}/", None),
        ("POST", f"pedidos/{pid}/pagos/", {"monto": "1", "metodo": "tarjeta"}),
        ("POST", f"pedidos/{pid}/cancelar/", None),
        ("PATCH", f"pedidos/{pid}/estado/", {"estado": "enviado"}),
    ]
    for method, path, body in calls:
        assert_error(shop.call(method, path, admin_b, json=body), 401)
    assert shop.stock(a) == 9
