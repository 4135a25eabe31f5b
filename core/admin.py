from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from core.errors import InvalidError
from core.models import Domain, Tenant
from core.tenancy.admin import PublicOnlyAdmin
from core.tenancy.resolver import forget_tenants
from core.tenancy.services import domain_validate
from usuarios.auth.admin_login import ThrottledAdminLoginForm

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
    form = DomainForm
    list_display = ["domain", "tenant", "is_primary"]
    search_fields = ["domain", "tenant__schema_name"]

    def save_model(self, request, obj, form, change):
        obj.domain = obj.domain.lower()
        super().save_model(request, obj, form, change)
        forget_tenants()
