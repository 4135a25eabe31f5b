from django.contrib import admin

from core.models import Domain, Tenant
from core.tenancy.admin import PublicOnlyAdmin
from core.tenancy.resolver import forget_tenants


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Tenant)
class TenantAdmin(PublicOnlyAdmin, admin.ModelAdmin):
    list_display = ["schema_name", "nombre", "activo", "fecha_creacion"]
    list_filter = ["activo"]
    search_fields = ["schema_name", "nombre"]
    inlines = [DomainInline]

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
    list_display = ["domain", "tenant", "is_primary"]
    search_fields = ["domain", "tenant__schema_name"]

    def save_model(self, request, obj, form, change):
        obj.domain = obj.domain.lower()
        super().save_model(request, obj, form, change)
        forget_tenants()
