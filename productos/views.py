import re
from typing import Any, cast

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api.schema import raises
from productos import selectors
from productos.error_codes import ProductoErrorCode as P
from productos.filters import CategoriaFilter, PedidoFilter, ProductoFilter, ProveedorFilter
from productos.models import Categoria, Pedido, Producto, Proveedor
from productos.permissions import StaffWritesUsersRead
from productos.serializers import (
    IDEMPOTENCY_KEY_MAX,
    CategoriaSerializer,
    PagoCreateSerializer,
    PagoSerializer,
    PedidoCreateSerializer,
    PedidoEstadoSerializer,
    PedidoSerializer,
    ProductoClienteSerializer,
    ProductoSerializer,
    ProductoWriteSerializer,
    ProveedorClienteSerializer,
    ProveedorSerializer,
)
from productos.services import catalogo, pedidos
from usuarios.models import Usuario
from usuarios.permissions import IsTenantStaff

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Repetir la petición con la misma clave devuelve el mismo resultado sin repetir el efecto.",
)
_KEY = re.compile(rf"^[\x21-\x7e]{{1,{IDEMPOTENCY_KEY_MAX}}}$")


def idempotency_key(request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not _KEY.match(key):
        raise ValidationError({"Idempotency-Key": [_("Debe tener de 1 a 255 caracteres visibles.")]})
    return key


class _CatalogueViewSet(viewsets.ModelViewSet):
    """CRUD through the catalogue services; reads for every user, writes for staff."""

    permission_classes = [StaffWritesUsersRead]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = "[0-9]{1,18}"
    model: Any = None
    write_serializer_class: Any = None

    def list_selector(self, *, actor: Usuario) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.list_selector(actor=cast(Usuario, self.request.user))

    def _validated(self, partial: bool) -> dict:
        data = self.write_serializer_class(data=self.request.data, partial=partial)
        data.is_valid(raise_exception=True)
        return data.validated_data

    def create(self, request, *args, **kwargs):
        obj = self.create_service(**self._validated(partial=False))
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        obj = self.update_service(self.get_object(), **self._validated(partial=True))
        return Response(self.get_serializer(obj).data)

    @raises(P.IN_USE)
    def destroy(self, request, *args, **kwargs):
        self.delete_service(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(request=CategoriaSerializer, responses=CategoriaSerializer)
class CategoriaViewSet(_CatalogueViewSet):
    model = Categoria
    serializer_class = write_serializer_class = CategoriaSerializer
    filterset_class = CategoriaFilter
    search_fields = ["nombre", "descripcion"]
    ordering_fields = ["nombre", "id"]
    ordering = ["nombre"]

    def list_selector(self, *, actor):
        return selectors.categoria_list(actor=actor)

    def create_service(self, **data):
        return catalogo.categoria_create(**data)

    def update_service(self, obj, **data):
        return catalogo.categoria_update(categoria=obj, **data)

    def delete_service(self, obj):
        catalogo.categoria_delete(categoria=obj)


@extend_schema(request=ProveedorSerializer, responses=ProveedorSerializer)
class ProveedorViewSet(_CatalogueViewSet):
    model = Proveedor
    serializer_class = write_serializer_class = ProveedorSerializer
    filterset_class = ProveedorFilter
    search_fields = ["nombre", "email"]
    ordering_fields = ["nombre", "id"]
    ordering = ["nombre"]

    def get_serializer_class(self):
        # the schema documents the staff's view; customers get a subset of it
        staff = getattr(self, "swagger_fake_view", False) or getattr(self.request.user, "es_staff", False)
        return ProveedorSerializer if staff or self.request.method != "GET" else ProveedorClienteSerializer

    def list_selector(self, *, actor):
        return selectors.proveedor_list(actor=actor)

    def create_service(self, **data):
        return catalogo.proveedor_create(**data)

    def update_service(self, obj, **data):
        return catalogo.proveedor_update(proveedor=obj, **data)

    def delete_service(self, obj):
        catalogo.proveedor_delete(proveedor=obj)


@extend_schema(request=ProductoWriteSerializer, responses=ProductoSerializer)
class ProductoViewSet(_CatalogueViewSet):
    model = Producto
    serializer_class = ProductoSerializer
    write_serializer_class = ProductoWriteSerializer
    filterset_class = ProductoFilter
    search_fields = ["nombre", "descripcion", "sku"]
    ordering_fields = ["precio", "nombre", "fecha_creacion"]
    ordering = ["nombre", "id"]

    def get_serializer_class(self):
        # the schema documents the staff's view; customers get a subset of it
        staff = getattr(self, "swagger_fake_view", False) or getattr(self.request.user, "es_staff", False)
        return ProductoSerializer if staff else ProductoClienteSerializer

    def list_selector(self, *, actor):
        return selectors.producto_list(actor=actor)

    def create_service(self, **data):
        return catalogo.producto_create(**data)

    def update_service(self, obj, **data):
        return catalogo.producto_update(producto=obj, **data)

    def delete_service(self, obj):
        catalogo.producto_delete(producto=obj)


class PedidoViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Orders: a user places and sees their own; staff see all and ship them."""

    serializer_class = PedidoSerializer
    lookup_value_regex = "[0-9]{1,18}"
    filterset_class = PedidoFilter
    search_fields = ["numero"]
    ordering_fields = ["fecha_creacion", "total"]
    ordering = ["-fecha_creacion", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Pedido.objects.none()
        return selectors.pedido_list(actor=cast(Usuario, self.request.user))

    def _respond(self, pedido, created: bool, code=status.HTTP_201_CREATED):
        pedido = selectors.pedido_list(actor=cast(Usuario, self.request.user)).get(pk=pedido.pk)
        headers = {} if created else {"Idempotent-Replayed": "true"}
        return Response(PedidoSerializer(pedido).data, status=code, headers=headers)

    @extend_schema(
        request=PedidoCreateSerializer, responses={201: PedidoSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    @raises(P.STOCK_INSUFICIENTE)
    @raises(P.IDEMPOTENCY_KEY_REUSED, status=422)
    def create(self, request):
        data = PedidoCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pedido, created = pedidos.pedido_create(
            actor=request.user, idempotency_key=idempotency_key(request), **data.validated_data
        )
        return self._respond(pedido, created)

    @extend_schema(
        request=PagoCreateSerializer, responses={201: PagoSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    @action(detail=True, methods=["post"])
    @raises(P.PEDIDO_CANCELADO)
    @raises(P.IDEMPOTENCY_KEY_REUSED, status=422)
    def pagos(self, request, pk=None):
        data = PagoCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pago, created = pedidos.pago_create(
            actor=request.user, pedido_id=pk, idempotency_key=idempotency_key(request), **data.validated_data
        )
        headers = {} if created else {"Idempotent-Replayed": "true"}
        return Response(PagoSerializer(pago).data, status=status.HTTP_201_CREATED, headers=headers)

    @extend_schema(request=None, responses={200: PedidoSerializer})
    @action(detail=True, methods=["post"])
    @raises(P.PEDIDO_CANCELADO, P.PEDIDO_PAGADO, P.INVALID_TRANSITION)
    def cancelar(self, request, pk=None):
        pedido = pedidos.pedido_cancel(pedido_id=pk, actor=request.user)
        return self._respond(pedido, True, code=status.HTTP_200_OK)

    @extend_schema(request=PedidoEstadoSerializer, responses={200: PedidoSerializer})
    @action(detail=True, methods=["patch"], permission_classes=[IsTenantStaff])
    @raises(P.INVALID_TRANSITION)
    def estado(self, request, pk=None):
        pedidos.pedido_for_actor(pedido_id=pk, actor=request.user)  # unknown: 404 whatever the body
        data = PedidoEstadoSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pedido = pedidos.pedido_change_estado(pedido_id=pk, actor=request.user, **data.validated_data)
        return self._respond(pedido, True, code=status.HTTP_200_OK)
