from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from productos.models import Producto
from productos.services import catalogo

BASE = "/api/productos/"


class Shop:
    """Catalogue and order calls over HTTP for one tenant, plus direct setup through services."""

    def __init__(self, api, tenant: str) -> None:
        self.api = api
        self.tenant = tenant

    def call(self, method, path, actor=None, **kw):
        token = actor.token if actor is not None else None
        return self.api.request(method, f"{BASE}{path}", tenant=self.tenant, token=token, **kw)

    def product(self, *, stock=10, precio="10.00", activo=True, sku=None, nombre="Producto", categoria=None):
        import uuid

        with schema_context(self.tenant):
            categoria = categoria or catalogo.categoria_create(nombre=f"Cat {uuid.uuid4().hex[:8]}")
            return catalogo.producto_create(
                sku=sku or f"SKU-{uuid.uuid4().hex[:10]}",
                nombre=nombre,
                precio=Decimal(precio),
                categoria=categoria,
                stock=stock,
                activo=activo,
            )

    def stock(self, producto) -> int:
        with schema_context(self.tenant):
            return Producto.objects.get(pk=producto.pk).stock

    def order(self, actor, items, key=None, **body):
        headers = {"Idempotency-Key": key} if key else {}
        return self.call("POST", "pedidos/", actor, json={"items": items, **body}, headers=headers)

    def new_order(self, actor, items, **kw) -> dict:
        response = self.order(actor, items, **kw)
        assert response.status_code == 201, response.text
        return response.json()

    def pay(self, actor, pedido_id, monto, key=None, metodo="tarjeta", referencia=""):
        headers = {"Idempotency-Key": key} if key else {}
        body = {"monto": monto, "metodo": metodo, "referencia": referencia}
        return self.call("POST", f"pedidos/{pedido_id}/pagos/", actor, json=body, headers=headers)


@pytest.fixture
def shop(api):
    return Shop(api, "alfa")


@pytest.fixture
def shop_for(api):
    return lambda tenant: Shop(api, tenant)
