"""FieldsOnceMixin: the same representation as DRF's own ModelSerializer, field for field."""

from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework import serializers

from productos.models import Categoria, Producto
from productos.serializers import ProductoClienteSerializer, ProductoSerializer
from tickets.models import Estado, Ticket
from tickets.serializers import TicketSerializer


def _plain(serializer_class):
    """The same serializer without the mixin: DRF's own fields and representation."""
    declared = {
        name: type(field)(**{k: v for k, v in field._kwargs.items()})
        for name, field in serializer_class._declared_fields.items()
    }
    meta = type("Meta", (serializer_class.Meta,), {})
    return type(
        f"Plain{serializer_class.__name__}", (serializers.ModelSerializer,), {**declared, "Meta": meta}
    )


def test_tickets_are_represented_as_drf_represents_them(fresh_tenant, make_actor):
    schema = fresh_tenant.schema_name
    owner = make_actor(schema, "usuario").user
    agent = make_actor(schema, "soporte").user
    with schema_context(schema):
        Ticket.objects.create(usuario=owner, titulo="Abierto")
        Ticket.objects.create(
            usuario=owner,
            asignado_a=agent,
            titulo="Cerrado",
            estado=Estado.CERRADO,
            fecha_cierre=timezone.now(),
        )
        tickets = list(Ticket.objects.order_by("titulo"))
        assert TicketSerializer(tickets, many=True).data == _plain(TicketSerializer)(tickets, many=True).data
        assert TicketSerializer(tickets[1]).data == _plain(TicketSerializer)(tickets[1]).data


def test_products_with_and_without_a_supplier_are_represented_as_drf_does(fresh_tenant):
    with schema_context(fresh_tenant.schema_name):
        categoria = Categoria.objects.create(nombre="Café", slug="cafe")
        Producto.objects.create(
            sku="A-1", nombre="Ratón", slug="raton", precio=Decimal("9.90"), stock=3, categoria=categoria
        )
        productos = list(Producto.objects.select_related("categoria", "proveedor"))
        for serializer_class in (ProductoSerializer, ProductoClienteSerializer):
            ours = serializer_class(productos, many=True).data
            assert ours == _plain(serializer_class)(productos, many=True).data
        assert "costo" not in ProductoClienteSerializer(productos[0]).data


def test_serializers_of_a_class_share_fields_built_once():
    first, second = TicketSerializer(), TicketSerializer(many=True)
    assert first.fields is second.child.fields is TicketSerializer().fields
    assert ProductoSerializer().fields is not ProductoClienteSerializer().fields
    assert "costo" not in ProductoClienteSerializer().fields


def test_a_field_that_reads_its_serializer_is_never_shared():
    class Reads(TicketSerializer):
        resumen = serializers.SerializerMethodField()

        class Meta(TicketSerializer.Meta):
            fields = [*TicketSerializer.Meta.fields, "resumen"]

        def get_resumen(self, obj):
            return self.context["prefijo"] + obj.titulo

    with pytest.raises(TypeError, match="resumen"):
        Reads().fields  # noqa: B018
