import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Estado(models.TextChoices):
    ABIERTO = "abierto", _("Abierto")
    EN_PROCESO = "en_proceso", _("En proceso")
    RESUELTO = "resuelto", _("Resuelto")
    CERRADO = "cerrado", _("Cerrado")


class Prioridad(models.TextChoices):
    BAJA = "baja", _("Baja")
    MEDIA = "media", _("Media")
    ALTA = "alta", _("Alta")
    CRITICA = "critica", _("Crítica")


# Allowed moves; anything else (the same state included) is refused.
TRANSICIONES: dict[str, frozenset[str]] = {
    Estado.ABIERTO: frozenset({Estado.EN_PROCESO, Estado.RESUELTO, Estado.CERRADO}),
    Estado.EN_PROCESO: frozenset({Estado.ABIERTO, Estado.RESUELTO, Estado.CERRADO}),
    Estado.RESUELTO: frozenset({Estado.CERRADO, Estado.ABIERTO}),
    Estado.CERRADO: frozenset(),
}
PRIORIDAD_ORDEN = {Prioridad.BAJA: 1, Prioridad.MEDIA: 2, Prioridad.ALTA: 3, Prioridad.CRITICA: 4}


class Ticket(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("usuario")
    )
    asignado_a = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets_asignados",
        verbose_name=_("asignado a"),
    )
    titulo = models.CharField(_("título"), max_length=200)
    descripcion = models.TextField(_("descripción"), blank=True)
    estado = models.CharField(_("estado"), max_length=20, choices=Estado.choices, default=Estado.ABIERTO)
    prioridad = models.CharField(
        _("prioridad"), max_length=20, choices=Prioridad.choices, default=Prioridad.MEDIA
    )
    fecha_creacion = models.DateTimeField(_("fecha de creación"), auto_now_add=True)
    fecha_actualizacion = models.DateTimeField(_("fecha de actualización"), auto_now=True)
    fecha_cierre = models.DateTimeField(_("fecha de cierre"), null=True, blank=True)

    class Meta:
        ordering = ["-fecha_creacion"]
        indexes = [
            models.Index(fields=["usuario", "-fecha_creacion"]),
            models.Index(fields=["estado", "-fecha_creacion"]),
            models.Index(fields=["asignado_a", "-fecha_creacion"]),
            # the list's default ordering and its other orderings: pages come off an index
            models.Index(fields=["-fecha_creacion"], name="ticket_fecha_creacion_idx"),
            models.Index(fields=["-fecha_actualizacion"], name="ticket_fecha_actualizac_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(estado__in=Estado.values), name="ticket_estado_valido"),
            models.CheckConstraint(
                condition=models.Q(prioridad__in=Prioridad.values), name="ticket_prioridad_valida"
            ),
            models.CheckConstraint(condition=~models.Q(titulo=""), name="ticket_titulo_no_vacio"),
        ]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")

    def __str__(self) -> str:
        return self.titulo


class TipoInteraccion(models.TextChoices):
    COMENTARIO = "comentario", _("Comentario")
    NOTA_INTERNA = "nota_interna", _("Nota interna")
    CAMBIO_ESTADO = "cambio_estado", _("Cambio de estado")
    ASIGNACION = "asignacion", _("Asignación")


class Interaccion(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="interacciones", verbose_name=_("ticket")
    )
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interacciones",
        verbose_name=_("usuario"),
    )
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoInteraccion.choices)
    contenido = models.TextField(_("contenido"), blank=True)
    metadata = models.JSONField(_("metadatos"), default=dict, blank=True)
    fecha_creacion = models.DateTimeField(_("fecha de creación"), auto_now_add=True)

    class Meta:
        ordering = ["-fecha_creacion", "-id"]
        indexes = [models.Index(fields=["ticket", "fecha_creacion"])]
        verbose_name = _("interacción")
        verbose_name_plural = _("interacciones")

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} en {self.ticket_id}"


class Notificacion(models.Model):
    """One row per event whose email went out: a re-run task does not send it twice."""

    evento_id = models.UUIDField()
    enviada_en = models.DateTimeField(null=True, blank=True)
    fecha_creacion = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["evento_id"], name="notificacion_evento_unico")]

    def __str__(self) -> str:
        return f"{self.evento_id} ({'enviada' if self.enviada_en else 'pendiente'})"
