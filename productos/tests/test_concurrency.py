"""Orders under concurrency: separate connections, no overselling, no deadlocks, effects once."""

from concurrent.futures import ThreadPoolExecutor


def test_fifty_concurrent_orders_for_ten_units_sell_exactly_ten(shop, make_actor):
    product = shop.product(stock=10)
    buyers = [make_actor("alfa", "usuario") for _ in range(50)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda b: shop.order(b, [{"producto": product.pk, "cantidad": 1}]), buyers))
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 10 and statuses.count(409) == 40, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"stock_insuficiente"}
    assert shop.stock(product) == 0


def test_orders_holding_the_same_products_in_any_order_do_not_deadlock(shop, usuario_a):
    a, b, c = shop.product(stock=1000), shop.product(stock=1000), shop.product(stock=1000)
    shapes = [[a, b, c], [c, b, a], [b, a], [c, a], [a, c, b]]
    orders = [[{"producto": p.pk, "cantidad": 1} for p in shapes[i % len(shapes)]] for i in range(40)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda items: shop.order(usuario_a, items).status_code, orders))
    assert statuses == [201] * 40
    taken = sum(len(items) for items in orders)
    assert shop.stock(a) + shop.stock(b) + shop.stock(c) == 3000 - taken


def test_racing_cancels_return_stock_once(shop, usuario_a):
    product = shop.product(stock=10)
    pedido = shop.new_order(usuario_a, [{"producto": product.pk, "cantidad": 6}])
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(
            pool.map(
                lambda _: shop.call("POST", f"pedidos/{pedido['id']}/cancelar/", usuario_a).status_code,
                range(8),
            )
        )
    assert statuses == [200] + [409] * 7
    assert shop.stock(product) == 10


def test_racing_retries_with_one_idempotency_key_make_one_order(shop, usuario_a):
    product = shop.product(stock=10)
    items = [{"producto": product.pk, "cantidad": 2}]
    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(lambda _: shop.order(usuario_a, items, key="reintento-1"), range(6)))
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses if r.status_code != 201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert shop.stock(product) == 8
