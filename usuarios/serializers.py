from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.serializers import FieldsOnceMixin
from usuarios.models import Rol, Usuario


class UsuarioSerializer(FieldsOnceMixin, serializers.ModelSerializer):
    class Meta:
        model = Usuario
        fields = ["id", "email", "nombre", "apellido", "rol", "activo", "fecha_creacion"]
        read_only_fields = fields


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)
    nombre = serializers.CharField(max_length=100)
    apellido = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class LoginSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class LogoutEverywhereSerializer(serializers.Serializer):
    sesiones_cerradas = serializers.IntegerField()


class LoginResponseSerializer(TokenPairSerializer):
    user = UsuarioSerializer()


class MeUpdateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, required=False)
    nombre = serializers.CharField(max_length=100, required=False)
    apellido = serializers.CharField(max_length=100, required=False, allow_blank=True)
    password = serializers.CharField(max_length=128, required=False, write_only=True, trim_whitespace=False)
    password_actual = serializers.CharField(
        max_length=128, required=False, write_only=True, trim_whitespace=False
    )

    FORBIDDEN = {
        "rol": _("No puedes cambiar tu propio rol."),
        "activo": _("No puedes cambiar tu propio estado."),
    }

    def validate(self, attrs):
        errors = {f: [msg] for f, msg in self.FORBIDDEN.items() if f in self.initial_data}
        if "password" in attrs:
            user = self.context["request"].user
            if not user.check_password(attrs.get("password_actual", "")):
                errors["password_actual"] = [_("La contraseña actual no es correcta.")]
        if errors:
            raise serializers.ValidationError(errors)
        attrs.pop("password_actual", None)
        return attrs


class UsuarioCreateSerializer(RegisterSerializer):
    rol = serializers.ChoiceField(choices=Rol.choices, default=Rol.USUARIO)
    activo = serializers.BooleanField(default=True)


class UsuarioUpdateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, required=False)
    nombre = serializers.CharField(max_length=100, required=False)
    apellido = serializers.CharField(max_length=100, required=False, allow_blank=True)
    rol = serializers.ChoiceField(choices=Rol.choices, required=False)
    activo = serializers.BooleanField(required=False)
    password = serializers.CharField(max_length=128, required=False, write_only=True, trim_whitespace=False)
