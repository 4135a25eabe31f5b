from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from backups.error_codes import BackupErrorCode as B
from backups.schema import STORAGE, raises_backup
from core.api.schema import TenantScope, raises
from core.error_codes import CoreErrorCode as C
from core.tenancy import selectors, services
from core.tenancy.deletion import tenant_delete
from core.tenancy.filters import TenantFilter
from core.tenancy.serializers import (
    TenantCreateSerializer,
    TenantDeleteSerializer,
    TenantEliminadoSerializer,
    TenantMoveSerializer,
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

    def get_serializer(self, *args, **kwargs):
        """With each tenant's Citus placement, read once for the whole page."""
        items = args[0] if args else kwargs.get("instance")
        if items is not None:
            tenants = list(items) if isinstance(items, list | tuple) else [items]
            context = kwargs.setdefault("context", self.get_serializer_context())
            context["placements"] = selectors.tenant_placements(schemas=[t.schema_name for t in tenants])
        return super().get_serializer(*args, **kwargs)

    @extend_schema(request=TenantCreateSerializer, responses={201: TenantSerializer})
    @raises(C.TENANT_EXISTS, C.DOMAIN_EXISTS, C.TENANT_CLONE_UNSUPPORTED)
    def create(self, request):
        data = TenantCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = services.tenant_create(**data.validated_data)
        tenant = selectors.tenant_list().get(pk=tenant.pk)
        return Response(self.get_serializer(tenant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TenantUpdateSerializer, responses={200: TenantSerializer})
    @raises(C.PUBLIC_SCHEMA)
    def partial_update(self, request, schema_name=None):
        data = TenantUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = services.tenant_update(tenant=self.get_object(), **data.validated_data)
        return Response(self.get_serializer(tenant).data)

    @extend_schema(
        request=TenantDeleteSerializer,
        responses={200: TenantEliminadoSerializer},
        description="Elimina el tenant después de una copia final; el nombre queda libre.",
    )
    @raises(C.PUBLIC_SCHEMA, C.TENANT_BUSY)
    @raises_backup(*STORAGE, B.BACKUP_IN_PROGRESS, B.STORAGE_OBJECT_TOO_LARGE)
    def destroy(self, request, schema_name=None):
        """Deletes the tenant after a final backup; the name is free again."""
        tenant = self.get_object()
        data = TenantDeleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        gone = tenant_delete(tenant=tenant, confirm=data.validated_data["confirm"])
        return Response(TenantEliminadoSerializer(gone).data)

    @extend_schema(
        request=TenantMoveSerializer,
        responses={200: TenantSerializer},
        description="Mueve el tenant a otro nodo del clúster Citus mientras sigue atendiendo.",
    )
    @action(detail=True, methods=["post"], url_path="mover")
    @raises(C.CITUS_REQUIRED, C.TENANT_BUSY)
    def mover(self, request, schema_name=None):
        """Moves the tenant to another node of the Citus cluster while it is served."""
        tenant = self.get_object()
        data = TenantMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.tenant_move(tenant=tenant, nodo=data.validated_data["nodo"])
        return Response(self.get_serializer(tenant).data)
