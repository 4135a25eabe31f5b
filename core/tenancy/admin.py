"""Tenancy in the admin: the platform's tenants and domains, and the admin classes that only exist
in one kind of schema.

The connection's search_path in a tenant ends with `public`, so a model registered for the
public schema (tenants, domains) would be readable from any tenant's admin unless refused here;
and tenant models have no table in the public schema.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name

from core.db import connection
from core.errors import InvalidError
from core.tenancy.models import Domain, Tenant
from core.tenancy.resolver import forget_tenants
from core.tenancy.selectors import tenant_placements
from core.tenancy.services import domain_validate
from usuarios.auth.admin_login import ThrottledAdminLoginForm


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


# every admin (each tenant's and the platform's) is this one site
admin.site.login_form = ThrottledAdminLoginForm


class DomainForm(forms.ModelForm):
    """The same rules as the API and `crear_tenant`: no domain takes over a tenant or the platform."""

    class Meta:
        model = Domain
        fields = ["domain", "tenant", "is_primary"]

    def clean_domain(self):
        try:
            return domain_validate(self.cleaned_data["domain"])
        except InvalidError as exc:
            raise ValidationError(exc.details["dominio"]) from exc


class DomainInline(admin.TabularInline):
    model = Domain
    form = DomainForm
    extra = 0


@admin.register(Tenant)
class TenantAdmin(PublicOnlyAdmin, admin.ModelAdmin):
    list_display = ["schema_name", "nombre", "activo", "fecha_creacion", "nodo"]
    list_filter = ["activo"]
    search_fields = ["schema_name", "nombre"]
    inlines = [DomainInline]

    @admin.display(description=_("nodo (Citus)"))
    def nodo(self, obj) -> str:
        # one small catalog query a row (an admin page holds 100 at most); "—" without Citus
        return tenant_placements(schemas=[obj.schema_name]).get(obj.schema_name, "—")

    def get_readonly_fields(self, request, obj=None):
        # Schemas are created with their first admin through `crear_tenant` or the platform API.
        return ["schema_name"] if obj else []

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_tenants()


@admin.register(Domain)
class DomainAdmin(PublicOnlyAdmin, admin.ModelAdmin):
    form = DomainForm
    list_display = ["domain", "tenant", "is_primary"]
    search_fields = ["domain", "tenant__schema_name"]

    def save_model(self, request, obj, form, change):
        obj.domain = obj.domain.lower()
        super().save_model(request, obj, form, change)
        forget_tenants()
