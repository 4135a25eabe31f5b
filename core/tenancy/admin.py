"""Admin classes that only exist in one kind of schema.

The connection's search_path in a tenant ends with `public`, so a model registered for the
public schema (tenants, domains) would be readable from any tenant's admin unless refused here;
and tenant models have no table in the public schema.
"""

from django_tenants.utils import get_public_schema_name

from core.db import connection


def _in_public() -> bool:
    return connection.schema_name == get_public_schema_name()


class _SchemaScopedAdmin:
    allowed_in_public: bool

    def _allowed(self) -> bool:
        return _in_public() == self.allowed_in_public

    def has_module_permission(self, request):
        return self._allowed() and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed() and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._allowed() and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._allowed() and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed() and super().has_delete_permission(request, obj)


class PublicOnlyAdmin(_SchemaScopedAdmin):
    allowed_in_public = True


class TenantOnlyAdmin(_SchemaScopedAdmin):
    allowed_in_public = False
