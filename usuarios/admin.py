from django import forms
from django.contrib import admin
from django.contrib.auth.forms import ReadOnlyPasswordHashField
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from usuarios import services
from usuarios.models import Usuario

# Roles, not groups, give permissions here; tokens are ended through the API (logout,
# logout/todas) and restores, which keep the durable revocation the admin would bypass.
for _model in (Group, BlacklistedToken, OutstandingToken):
    admin.site.unregister(_model)


class UsuarioCreationForm(forms.ModelForm):
    password = forms.CharField(label="Contraseña", widget=forms.PasswordInput, strip=False)

    class Meta:
        model = Usuario
        fields = ["email", "nombre", "apellido", "rol", "activo"]

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = Usuario(**{f: cleaned.get(f) for f in self.Meta.fields})
            try:
                validate_password(password, user=candidate)
            except ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class UsuarioChangeForm(forms.ModelForm):
    password = ReadOnlyPasswordHashField(label="Contraseña")

    class Meta:
        model = Usuario
        fields = ["email", "nombre", "apellido", "rol", "activo", "password"]


@admin.register(Usuario)
class UsuarioAdmin(admin.ModelAdmin):
    list_display = ["email", "nombre", "apellido", "rol", "activo", "fecha_creacion"]
    list_filter = ["rol", "activo"]
    search_fields = ["email", "nombre", "apellido"]
    ordering = ["email"]
    form = UsuarioChangeForm
    add_form = UsuarioCreationForm

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in ["email", "nombre", "apellido", "rol", "activo"]}
        if change:
            services.usuario_update(user=obj, **data)
        else:
            created = services.usuario_create(password=form.cleaned_data["password"], **data)
            obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        # Users are deactivated, never deleted: their tickets and orders keep their author.
        return False
