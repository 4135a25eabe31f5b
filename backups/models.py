import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TipoBackup(models.TextChoices):
    MANUAL = "manual", _("Manual")
    AUTOMATIC = "automatic", _("Automático")


class EstadoBackup(models.TextChoices):
    EN_PROGRESO = "en_progreso", _("En progreso")
    COMPLETADO = "completado", _("Completado")
    FALLIDO = "fallido", _("Fallido")


class BackupRecord(models.Model):
    file_name = models.CharField(_("archivo"), max_length=200)
    file_path = models.CharField(_("ruta"), max_length=400)
    file_size = models.BigIntegerField(_("tamaño (bytes)"), default=0)
    backup_type = models.CharField(
        _("tipo"), max_length=20, choices=TipoBackup.choices, default=TipoBackup.MANUAL
    )
    estado = models.CharField(
        _("estado"), max_length=20, choices=EstadoBackup.choices, default=EstadoBackup.EN_PROGRESO
    )
    checksum_sha256 = models.CharField(_("checksum SHA-256"), max_length=64, blank=True)
    # which storage holds the object and whether it is encrypted, as they were when it was made
    storage = models.CharField(_("almacenamiento"), max_length=20, default="filesystem")
    # the Supabase bucket it went to ("" for the filesystem, and for records made before this was kept)
    bucket = models.CharField(_("bucket"), max_length=100, blank=True, default="")
    cifrado = models.BooleanField(_("cifrada"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("creada por"),
    )
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completada"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # never a completed record without a stored, checksummed object
            models.CheckConstraint(
                condition=~models.Q(estado="completado")
                | (models.Q(file_size__gt=0) & ~models.Q(checksum_sha256="")),
                name="backup_completado_con_checksum",
            ),
            # one backup at a time per tenant
            models.UniqueConstraint(
                fields=["estado"], condition=models.Q(estado="en_progreso"), name="un_backup_en_progreso"
            ),
            models.UniqueConstraint(fields=["file_path"], name="backup_file_path_unico"),
        ]
        verbose_name = _("copia de seguridad")
        verbose_name_plural = _("copias de seguridad")

    def __str__(self) -> str:
        return self.file_name


class Frecuencia(models.TextChoices):
    DAILY = "daily", _("Diaria")
    EVERY_12H = "every_12h", _("Cada 12 horas")
    EVERY_6H = "every_6h", _("Cada 6 horas")
    WEEKLY = "weekly", _("Semanal")


class BackupConfiguration(models.Model):
    """One per tenant (the table lives in the tenant's schema)."""

    schedule = models.CharField(
        _("frecuencia"), max_length=20, choices=Frecuencia.choices, default=Frecuencia.DAILY
    )
    hora = models.TimeField(_("hora"), default=datetime.time(3, 0))
    retention = models.PositiveIntegerField(
        _("copias que se conservan"), default=7, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    activo = models.BooleanField(_("activa"), default=True)
    # when this schedule took effect: the first automatic backup is the schedule's first slot
    # after it (not one right away)
    vigente_desde = models.DateTimeField(_("vigente desde"), default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(retention__gte=1), name="backup_retencion_minima")
        ]
        verbose_name = _("configuración de copias")
        verbose_name_plural = _("configuración de copias")

    def __str__(self) -> str:
        return f"{self.schedule} {self.hora} ({self.retention})"
