import django_filters

from core.api.filters import IdFilter, StrictBooleanFilter
from productos.models import Categoria, EstadoPedido, Pedido, Producto, Proveedor


class ProductoFilter(django_filters.FilterSet):
    categoria = IdFilter(field_name="categoria_id")
    proveedor = IdFilter(field_name="proveedor_id")
    activo = StrictBooleanFilter()
    precio_min = django_filters.NumberFilter(field_name="precio", lookup_expr="gte")
    precio_max = django_filters.NumberFilter(field_name="precio", lookup_expr="lte")

    class Meta:
        model = Producto
        fields = ["categoria", "proveedor", "activo", "precio_min", "precio_max"]


class CategoriaFilter(django_filters.FilterSet):
    activa = StrictBooleanFilter()

    class Meta:
        model = Categoria
        fields = ["activa"]


class ProveedorFilter(django_filters.FilterSet):
    activo = StrictBooleanFilter()

    class Meta:
        model = Proveedor
        fields = ["activo"]


class PedidoFilter(django_filters.FilterSet):
    estado = django_filters.ChoiceFilter(choices=EstadoPedido.choices)

    class Meta:
        model = Pedido
        fields = ["estado"]
