"""A tenant with a little of every app's data (apart from factories.py: tickets' and the shop's
tests must not import each other, even through a helper)."""

from decimal import Decimal

from django_tenants.utils import schema_context

from core.outbox.marks import marks
from core.testing.factories import create_user
from productos.services import catalogo
from productos.services.pedidos import pedido_create
from tickets.services import interaccion_create, ticket_create


def fill_tenant(schema: str) -> None:
    """A little of everything in the tenant: users, a ticket with a comment, a category, a
    product and an order."""
    admin = create_user(schema, rol="admin")
    customer = create_user(schema, rol="usuario")
    with schema_context(schema):
        ticket = ticket_create(actor=customer, titulo="Se rompió", descripcion="ayuda")
        interaccion_create(actor=admin, ticket_id=ticket.pk, tipo="comentario", contenido="Miramos")
        categoria = catalogo.categoria_create(nombre="Ropa")
        producto = catalogo.producto_create(
            sku="cam-1", nombre="Camisa", precio=Decimal("20"), categoria=categoria, stock=9
        )
        pedido_create(actor=customer, items=[{"producto": producto.pk, "cantidad": 2}])
    # the events' delivered marks land just after the writes (core.outbox.marks): written now,
    # so that a dump or a snapshot taken next sees the tenant as it stays
    marks.flush()
