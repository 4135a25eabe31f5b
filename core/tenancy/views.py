from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from core.api.schema import TenantScope
from core.tenancy import selectors, services
from core.tenancy.deletion import tenant_delete
from core.tenancy.filters import TenantFilter
from core.tenancy.serializers import (
    TenantCreateSerializer,
    TenantDeleteSerializer,
    TenantEliminadoSerializer,
    TenantSerializer,
    TenantUpdateSerializer,
)
from usuarios.permissions import IsPlatformOperator


class TenantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Platform API: the organisations on the platform (operators of the public schema)."""

    permission_classes = [IsPlatformOperator]
    serializer_class = TenantSerializer
    lookup_field = "schema_name"
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    tenant_scope = TenantScope.PUBLIC
    filterset_class = TenantFilter
    search_fields = ["schema_name", "nombre"]
    ordering_fields = ["schema_name", "nombre", "fecha_creacion"]
    ordering = ["schema_name"]

    def get_queryset(self):
        return selectors.tenant_list()

    @extend_schema(request=TenantCreateSerializer, responses={201: TenantSerializer})
    def create(self, request):
        data = TenantCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = services.tenant_create(**data.validated_data)
        tenant = selectors.tenant_list().get(pk=tenant.pk)
        return Response(TenantSerializer(tenant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TenantUpdateSerializer, responses={200: TenantSerializer})
    def partial_update(self, request, schema_name=None):
        data = TenantUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = services.tenant_update(tenant=self.get_object(), **data.validated_data)
        return Response(TenantSerializer(tenant).data)

    @extend_schema(request=TenantDeleteSerializer, responses={200: TenantEliminadoSerializer})
    def destroy(self, request, schema_name=None):
        """Deletes the tenant after a final backup; the name is free again."""
        tenant = self.get_object()
        data = TenantDeleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        gone = tenant_delete(tenant=tenant, confirm=data.validated_data["confirm"])
        return Response(TenantEliminadoSerializer(gone).data)
