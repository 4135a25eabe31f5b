from django.db.models import Prefetch, QuerySet

from productos.models import Categoria, ItemPedido, Pago, Pedido, Producto, Proveedor
from usuarios.models import Usuario


def categoria_list(*, actor: Usuario) -> QuerySet[Categoria]:
    qs = Categoria.objects.all()
    return qs if actor.es_staff else qs.filter(activa=True)


def proveedor_list(*, actor: Usuario) -> QuerySet[Proveedor]:
    qs = Proveedor.objects.all()
    return qs if actor.es_staff else qs.filter(activo=True)


def producto_list(*, actor: Usuario) -> QuerySet[Producto]:
    """Staff see the whole catalogue; customers only what is for sale."""
    qs = Producto.objects.select_related("categoria", "proveedor")
    return qs if actor.es_staff else qs.filter(activo=True, categoria__activa=True)


def pedido_list(*, actor: Usuario) -> QuerySet[Pedido]:
    qs = Pedido.objects.prefetch_related(
        Prefetch("items", queryset=ItemPedido.objects.order_by("id")),
        Prefetch("pagos", queryset=Pago.objects.order_by("fecha", "id")),
        "reembolsos",
    )
    return qs if actor.es_staff else qs.filter(usuario=actor)
