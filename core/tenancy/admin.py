"""Tenancy in the admin: the platform's tenants and domains, and the admin classes that only exist
in one kind of schema.

A model registered for the public schema (tenants, domains) has no table in a tenant's schema,
nor a tenant model in the public schema: each admin class is refused where its table is not.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name

from core.db import connection
from core.errors import DomainError, InvalidError
from core.tenancy.models import Domain, Tenant
from core.tenancy.resolver import forget_tenants
from core.tenancy.selectors import tenant_placements
from core.tenancy.services import domain_validate, tenant_create
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
        labels = {"domain": _("dominio"), "tenant": _("tenant"), "is_primary": _("principal")}

    def clean_domain(self):
        try:
            return domain_validate(self.cleaned_data["domain"])
        except InvalidError as exc:
            raise ValidationError(exc.details["dominio"]) from exc


class DomainInline(admin.TabularInline):
    model = Domain
    form = DomainForm
    extra = 0


class TenantCreateForm(forms.Form):
    """A new tenant as the API and `crear_tenant` make it: its schema, a domain and its first admin."""

    schema_name = forms.CharField(
        label=_("Schema"), max_length=63, help_text=_("letras minúsculas, dígitos o '_'")
    )
    nombre = forms.CharField(label=_("Nombre"), max_length=200)
    dominio = forms.CharField(label=_("Dominio"), max_length=253, required=False, help_text=_("opcional"))
    admin_nombre = forms.CharField(label=_("Nombre del primer administrador"), max_length=100)
    admin_apellido = forms.CharField(label=_("Apellido"), max_length=100, required=False)
    admin_email = forms.CharField(label=_("Email del administrador"), max_length=254)
    admin_password = forms.CharField(
        label=_("Contraseña del administrador"), widget=forms.PasswordInput, strip=False
    )

    def create(self) -> Tenant | None:
        """The tenant, or None with the service's refusal on the fields it names."""
        data = self.cleaned_data
        try:
            return tenant_create(
                schema_name=data["schema_name"],
                nombre=data["nombre"],
                dominio=data["dominio"] or None,
                admin={
                    "email": data["admin_email"],
                    "password": data["admin_password"],
                    "nombre": data["admin_nombre"],
                    "apellido": data["admin_apellido"],
                },
            )
        except InvalidError as exc:
            # the service names the API's fields: the admin's are this form's admin_<field>
            for key, value in exc.details.items():
                errors = value.items() if key == "admin" and isinstance(value, dict) else [(None, value)]
                for sub, messages in errors:
                    field = f"admin_{sub}" if sub else key
                    self.add_error(field if field in self.fields else None, messages)
        except DomainError as exc:
            self.add_error(None, str(exc.message))
        return None


@admin.register(Tenant)
class TenantAdmin(PublicOnlyAdmin, admin.ModelAdmin):
    list_display = ["schema_name", "nombre", "activo", "fecha_creacion", "nodo"]
    fields = ["schema_name", "nombre", "activo"]
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

    def has_delete_permission(self, request, obj=None):
        return False  # a deletion keeps a final backup: `eliminar_tenant` or the API

    def add_view(self, request, form_url="", extra_context=None):
        """Through tenant_create: the schema, its domain and first admin, all or nothing."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = TenantCreateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            tenant = form.create()
            if tenant is not None:
                self.log_addition(request, tenant, [{"added": {}}])
                self.message_user(
                    request, _("Tenant «%(s)s» creado con su administrador.") % {"s": tenant.schema_name}
                )
                return HttpResponseRedirect(reverse("admin:core_tenant_change", args=[tenant.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Nuevo tenant"),
            "opts": self.model._meta,
            "adminform": helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], {}),
            "form": form,
            "errors": helpers.AdminErrorList(form, []),
            "add": True,
            "change": False,
            "has_view_permission": True,
            "has_add_permission": True,
            "has_change_permission": False,
            "has_delete_permission": False,
            "has_editable_inline_admin_formsets": False,
            "save_as": False,
            "show_save": True,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "has_file_field": False,
            "form_url": form_url,
            "inline_admin_formsets": [],
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/change_form.html", context)

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
