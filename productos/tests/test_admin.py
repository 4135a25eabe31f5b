"""Orders in the tenant's admin: staff ship, deliver and cancel them through the services, and
see what each has paid."""

import re
import uuid
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from core.testing.admin import AdminBrowser
from productos.models import EstadoPedido, Pedido, Producto, Reembolso
from productos.services import catalogo, pedidos


def _orders(usuario, n: int, *, stock: int = 10):
    with schema_context("alfa"):
        categoria = catalogo.categoria_create(nombre=f"Admin {uuid.uuid4().hex[:8]}")
        producto = catalogo.producto_create(
            sku=f"ADM-{uuid.uuid4().hex[:8]}",
            nombre="Cable",
            precio=Decimal("4.50"),
            categoria=categoria,
            stock=stock,
        )
        made = [
            pedidos.pedido_create(actor=usuario, items=[{"producto": producto.pk, "cantidad": 2}])[0]
            for _ in range(n)
        ]
    return producto, made


def _pay(usuario, pedido) -> None:
    with schema_context("alfa"):
        pedidos.pago_create(actor=usuario, pedido_id=pedido.pk, monto=pedido.total, metodo="tarjeta")


@pytest.mark.browser
def test_staff_ship_deliver_and_cancel_orders_from_the_list(browser_page, http_server, admin_a, usuario_a):
    from core.testing.browser import ARTIFACTS, admin_action, admin_login

    producto, (enviado, pendiente, cancelado) = _orders(usuario_a.user, 3)
    _pay(usuario_a.user, enviado)
    _pay(usuario_a.user, cancelado)
    page, base = browser_page, f"http://alfa.localhost:{http_server.port}"
    admin_login(page, base, admin_a.email)
    page.wait_for_url(f"{base}/admin/")

    def run_action(action: str, orders) -> str:
        return admin_action(page, f"{base}/admin/productos/pedido/?q={usuario_a.email}", orders, action)

    said = run_action("enviar", [enviado, pendiente])
    assert (
        "1 pedido pasó a «Enviado»" in said
        and f"{pendiente.numero}: No se puede pasar de «pendiente»" in said
    )
    assert "1 pedido pasó a «Entregado»" in run_action("entregar", [enviado])
    assert "1 pedido cancelado" in run_action("cancelar", [cancelado])
    page.goto(f"{base}/admin/productos/pedido/?q={usuario_a.email}")
    row = next(r for r in page.locator("#result_list tbody tr").all_inner_texts() if enviado.numero in r)
    assert "Entregado" in row and row.count("9,00") == 2  # total and the paid column
    page.screenshot(path=str(ARTIFACTS / "admin-pedidos.png"), full_page=True)
    with schema_context("alfa"):
        estados = dict(Pedido.objects.filter(usuario=usuario_a.user).values_list("numero", "estado"))
        assert estados == {
            enviado.numero: EstadoPedido.ENTREGADO,
            pendiente.numero: EstadoPedido.PENDIENTE,
            cancelado.numero: EstadoPedido.CANCELADO,
        }
        assert Reembolso.objects.get(pedido=cancelado).monto == Decimal("9.00")
        assert Producto.objects.get(pk=producto.pk).stock == 10 - 2 * 2  # the cancel gave 2 back


def test_a_customer_cannot_reach_the_orders_admin_and_soporte_cannot_cancel_in_another_tenant(
    http_server, usuario_a, soporte_a, admin_b
):
    _producto, (pedido,) = _orders(usuario_a.user, 1)
    refused = AdminBrowser(http_server.url, "alfa.localhost").login(usuario_a.email)
    assert refused.status_code == 200 and "errornote" in refused.text
    beta = AdminBrowser(http_server.url, "beta.localhost")
    beta.login(admin_b.email)
    listing = beta.get("/admin/productos/pedido/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', listing.text).group(1)
    # alfa's order id in beta's admin: not one of beta's orders, nothing happens in alfa
    beta.http.post(
        "/admin/productos/pedido/",
        data={
            "csrfmiddlewaretoken": token,
            "action": "cancelar",
            "_selected_action": [str(pedido.pk)],
            "index": "0",
        },
    )
    with schema_context("alfa"):
        assert Pedido.objects.get(pk=pedido.pk).estado == EstadoPedido.PENDIENTE
