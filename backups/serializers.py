from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backups.models import BackupConfiguration, BackupRecord, TipoBackup


class CreadoPorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    nombre = serializers.CharField()
    apellido = serializers.CharField()


class BackupRecordSerializer(serializers.ModelSerializer):
    file_size_mb = serializers.SerializerMethodField()
    created_by = CreadoPorSerializer(allow_null=True, read_only=True)

    class Meta:
        model = BackupRecord
        fields = [
            "id",
            "file_name",
            "file_path",
            "file_size",
            "file_size_mb",
            "backup_type",
            "estado",
            "checksum_sha256",
            "created_by",
            "created_at",
            "completed_at",
            "error",
        ]
        read_only_fields = fields

    def get_file_size_mb(self, record) -> float:
        return round(record.file_size / (1024 * 1024), 2)


class BackupCreateSerializer(serializers.Serializer):
    backup_type = serializers.ChoiceField(choices=[TipoBackup.MANUAL], default=TipoBackup.MANUAL)


class BackupResumenSerializer(BackupRecordSerializer):
    class Meta(BackupRecordSerializer.Meta):
        fields = ["id", "file_name", "file_size_mb", "created_at", "estado"]
        read_only_fields = fields


class BackupCreateResponseSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField()
    backup = BackupResumenSerializer()


class RestoreOptionsSerializer(serializers.Serializer):
    # true: users get back the active flag, role and password they had in the backup
    restaurar_seguridad = serializers.BooleanField(default=False)


class RestoreSerializer(RestoreOptionsSerializer):
    confirm = serializers.CharField(max_length=63)


class UsuarioConservadoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()


class RestoreResponseSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField()
    backup_id = serializers.IntegerField()
    safety_backup_id = serializers.IntegerField()
    seguridad = serializers.ChoiceField(choices=["actual", "copia"])
    sesiones_cerradas = serializers.IntegerField()
    usuarios_conservados = UsuarioConservadoSerializer(many=True)


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}$", "example": "03:00"})
class HoraField(serializers.TimeField):
    """`HH:MM`, the way the front-end shows and sends it (accepts HH:MM:SS too)."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"], **kwargs)


class BackupConfigurationSerializer(serializers.ModelSerializer):
    retention = serializers.IntegerField(min_value=1, max_value=365)
    hora = HoraField(required=False)

    class Meta:
        model = BackupConfiguration
        fields = ["schedule", "hora", "retention", "activo"]
