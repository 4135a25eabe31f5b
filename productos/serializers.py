from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import FieldsOnceMixin
from productos.models import (
    Categoria,
    EstadoPedido,
    ItemPedido,
    MetodoPago,
    Pago,
    Pedido,
    Producto,
    Proveedor,
    Reembolso,
)

MAX_CANTIDAD = 10_000
MAX_ITEMS = 200
PRICE: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class CategoriaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Categoria
        fields = ["id", "nombre", "slug", "descripcion", "activa"]
        read_only_fields = ["id", "slug"]
        extra_kwargs = {"descripcion": {"max_length": 5000}}


class CategoriaResumenSerializer(FieldsOnceMixin, serializers.ModelSerializer):
    class Meta:
        model = Categoria
        fields = ["id", "nombre", "slug"]


class ProveedorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Proveedor
        fields = ["id", "nombre", "email", "telefono", "activo"]
        read_only_fields = ["id"]


class ProveedorClienteSerializer(serializers.ModelSerializer):
    """What a customer sees of a supplier: no contact details."""

    class Meta:
        model = Proveedor
        fields = ["id", "nombre", "activo"]
        read_only_fields = fields


class ProveedorResumenSerializer(FieldsOnceMixin, serializers.ModelSerializer):
    class Meta:
        model = Proveedor
        fields = ["id", "nombre"]


class ProductoSerializer(FieldsOnceMixin, serializers.ModelSerializer):
    categoria = CategoriaResumenSerializer(read_only=True)
    proveedor = ProveedorResumenSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Producto
        fields = [
            "id",
            "sku",
            "nombre",
            "slug",
            "descripcion",
            "precio",
            "costo",
            "stock",
            "categoria",
            "proveedor",
            "activo",
            "fecha_creacion",
            "fecha_actualizacion",
        ]
        read_only_fields = fields


class ProductoClienteSerializer(ProductoSerializer):
    """What a customer sees of a product: no cost price."""

    class Meta(ProductoSerializer.Meta):
        fields = [f for f in ProductoSerializer.Meta.fields if f != "costo"]
        read_only_fields = fields


class ProductoWriteSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    nombre = serializers.CharField(max_length=200)
    descripcion = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    precio = serializers.DecimalField(**PRICE, min_value=Decimal("0.01"))
    costo = serializers.DecimalField(**PRICE, min_value=Decimal("0"), required=False, allow_null=True)
    stock = serializers.IntegerField(min_value=0, max_value=2_000_000_000, required=False)
    categoria = serializers.PrimaryKeyRelatedField(queryset=Categoria.objects.all())
    proveedor = serializers.PrimaryKeyRelatedField(
        queryset=Proveedor.objects.all(), required=False, allow_null=True
    )
    activo = serializers.BooleanField(required=False)

    def validate_sku(self, value):
        value = value.strip().upper()
        if not value:
            raise serializers.ValidationError(_("El SKU no puede estar vacío."))
        return value


class ItemPedidoSerializer(serializers.ModelSerializer):
    producto = serializers.IntegerField(source="producto_id", read_only=True)

    class Meta:
        model = ItemPedido
        fields = ["id", "producto", "sku", "nombre", "cantidad", "precio_unitario", "subtotal"]
        read_only_fields = fields


class PagoSerializer(serializers.ModelSerializer):
    pedido = serializers.IntegerField(source="pedido_id", read_only=True)

    class Meta:
        model = Pago
        fields = ["id", "pedido", "monto", "metodo", "referencia", "fecha"]
        read_only_fields = fields


class ReembolsoSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reembolso
        fields = ["id", "monto", "fecha"]
        read_only_fields = fields


class PedidoSerializer(serializers.ModelSerializer):
    usuario_id = serializers.IntegerField(read_only=True)
    items = ItemPedidoSerializer(many=True, read_only=True)
    pagos = PagoSerializer(many=True, read_only=True)
    pagado = serializers.SerializerMethodField()
    reembolsos = ReembolsoSerializer(many=True, read_only=True)
    reembolsado = serializers.SerializerMethodField()

    class Meta:
        model = Pedido
        fields = [
            "id",
            "numero",
            "usuario_id",
            "estado",
            "total",
            "pagado",
            "reembolsado",
            "notas",
            "items",
            "pagos",
            "reembolsos",
            "fecha_creacion",
            "fecha_actualizacion",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2))
    def get_pagado(self, pedido) -> str:
        # a string with two decimals, like every other amount of the API
        return f"{sum((p.monto for p in pedido.pagos.all()), Decimal('0')):.2f}"

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2))
    def get_reembolsado(self, pedido) -> str:
        return f"{sum((r.monto for r in pedido.reembolsos.all()), Decimal('0')):.2f}"


class ItemInputSerializer(serializers.Serializer):
    producto = serializers.IntegerField(min_value=1)
    cantidad = serializers.IntegerField(min_value=1, max_value=MAX_CANTIDAD)


class PedidoCreateSerializer(serializers.Serializer):
    items: serializers.ListSerializer = serializers.ListSerializer(
        child=ItemInputSerializer(), allow_empty=False, max_length=MAX_ITEMS
    )
    notas = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PagoCreateSerializer(serializers.Serializer):
    monto = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    metodo = serializers.ChoiceField(choices=MetodoPago.choices)
    referencia = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class PedidoEstadoSerializer(serializers.Serializer):
    # any state: a move other than pagado -> enviado -> entregado is a 409, not bad input
    estado = serializers.ChoiceField(choices=EstadoPedido.choices)


IDEMPOTENCY_KEY_MAX = 255
