from rest_framework import serializers

from core.models import Tenant, TenantEliminado


class TenantSerializer(serializers.ModelSerializer):
    dominios = serializers.SerializerMethodField()
    nodo = serializers.SerializerMethodField(
        help_text="Nodo de Citus que lo aloja (host:puerto); null sin Citus."
    )

    class Meta:
        model = Tenant
        fields = ["id", "schema_name", "nombre", "activo", "fecha_creacion", "dominios", "nodo"]
        read_only_fields = fields

    def get_dominios(self, tenant) -> list[str]:
        return [d.domain for d in tenant.domains.all()]

    def get_nodo(self, tenant) -> str | None:
        return self.context.get("placements", {}).get(tenant.schema_name)


class TenantMoveSerializer(serializers.Serializer):
    nodo = serializers.RegexField(r"^[A-Za-z0-9.\-]+:\d{1,5}$", max_length=260)


class TenantAdminSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    nombre = serializers.CharField(max_length=100)
    apellido = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class TenantCreateSerializer(serializers.Serializer):
    schema_name = serializers.CharField(max_length=63)
    nombre = serializers.CharField(max_length=200)
    dominio = serializers.CharField(max_length=253, required=False, allow_blank=True)
    admin = TenantAdminSerializer()


class TenantUpdateSerializer(serializers.Serializer):
    nombre = serializers.CharField(max_length=200, required=False)
    activo = serializers.BooleanField(required=False)


class TenantDeleteSerializer(serializers.Serializer):
    confirm = serializers.CharField(max_length=63)


class TenantEliminadoSerializer(serializers.ModelSerializer):
    class Meta:
        model = TenantEliminado
        fields = [
            "schema_name",
            "nombre",
            "eliminado_en",
            "backup_path",
            "backup_checksum",
            "backup_size",
            "backup_cifrado",
        ]
        read_only_fields = fields
