from django_tenants.utils import get_public_schema_name
from rest_framework.permissions import BasePermission

from usuarios.models import Rol


def _in_public_schema(request) -> bool:
    return request.tenant.schema_name == get_public_schema_name()


class IsTenantAdmin(BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(
            user and user.is_authenticated and user.rol == Rol.ADMIN and not _in_public_schema(request)
        )


class IsTenantStaff(BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.es_staff and not _in_public_schema(request))


class IsPlatformOperator(BasePermission):
    """An active admin of the public schema."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.rol == Rol.ADMIN and _in_public_schema(request))
