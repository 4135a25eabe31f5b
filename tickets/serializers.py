from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import FieldsOnceMixin
from tickets.models import Estado, Interaccion, Prioridad, Ticket, TipoInteraccion

MAX_TEXT = 10_000


class TicketSerializer(FieldsOnceMixin, serializers.ModelSerializer):
    usuario_id = serializers.IntegerField(read_only=True)
    asignado_a_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "usuario_id",
            "asignado_a_id",
            "titulo",
            "descripcion",
            "estado",
            "prioridad",
            "fecha_creacion",
            "fecha_actualizacion",
            "fecha_cierre",
        ]
        read_only_fields = fields


class TicketCreateSerializer(serializers.Serializer):
    titulo = serializers.CharField(max_length=200)
    descripcion = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    prioridad = serializers.ChoiceField(choices=Prioridad.choices, default=Prioridad.MEDIA)
    usuario_id = serializers.IntegerField(required=False, min_value=1)


class TicketUpdateSerializer(serializers.Serializer):
    titulo = serializers.CharField(max_length=200, required=False)
    descripcion = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    prioridad = serializers.ChoiceField(choices=Prioridad.choices, required=False)

    ELSEWHERE = {
        "estado": _("Usa PATCH /api/tickets/tickets/{id}/estado/."),
        "asignado_a": _("Usa PATCH /api/tickets/tickets/{id}/asignar/."),
        "usuario_id": _("No se puede cambiar el usuario de un ticket."),
    }

    def validate(self, attrs):
        errors = {f: [m] for f, m in self.ELSEWHERE.items() if f in self.initial_data}
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class EstadoSerializer(serializers.Serializer):
    estado = serializers.ChoiceField(choices=Estado.choices)


class EstadoRespuestaSerializer(serializers.Serializer):
    mensaje = serializers.CharField()
    estado = serializers.ChoiceField(choices=Estado.choices)


class AsignarSerializer(serializers.Serializer):
    asignado_a = serializers.IntegerField(allow_null=True, min_value=1)


class UsuarioDatosSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nombre = serializers.CharField()
    apellido = serializers.CharField()
    rol = serializers.CharField()


class InteraccionSerializer(serializers.ModelSerializer):
    ticket_id = serializers.UUIDField(read_only=True)
    usuario_id = serializers.IntegerField(read_only=True, allow_null=True)
    usuario = serializers.SerializerMethodField()

    class Meta:
        model = Interaccion
        fields = [
            "id",
            "ticket_id",
            "usuario_id",
            "usuario",
            "tipo",
            "contenido",
            "metadata",
            "fecha_creacion",
        ]
        read_only_fields = fields

    @extend_schema_field(UsuarioDatosSerializer(allow_null=True))
    def get_usuario(self, obj):
        return self.context.get("usuarios", {}).get(obj.usuario_id)


class InteraccionCreateSerializer(serializers.Serializer):
    ticket_id = serializers.UUIDField()
    tipo = serializers.ChoiceField(choices=TipoInteraccion.choices)
    contenido = serializers.CharField(max_length=MAX_TEXT)
