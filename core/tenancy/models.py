"""The tenancy models: organisations, their domains and what remains of deleted ones.

They belong to the `core` app (their tables and migrations are core's), and live here beside the
rest of tenancy; `core.models` imports them so that Django finds them.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.functions import RandomUUID
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin, _check_schema_name


class Tenant(TenantMixin):
    """An organisation. Its data lives in the PostgreSQL schema `schema_name`."""

    # django-tenants' field as it is, with a label
    schema_name = models.CharField(
        _("schema"), max_length=63, unique=True, db_index=True, validators=[_check_schema_name]
    )
    nombre = models.CharField(_("nombre"), max_length=200)
    activo = models.BooleanField(_("activo"), default=True)
    fecha_creacion = models.DateTimeField(_("fecha de creación"), auto_now_add=True)
    # Identity of this organisation, never reused: a tenant deleted and created again under the
    # same schema name is another tenant, and its tokens carry this, not only the name.
    uid = models.UUIDField(_("identificador"), default=uuid.uuid4, db_default=RandomUUID(), editable=False)
    # Bumped to end every session and token of the tenant at once (a restore does).
    sesion_version = models.PositiveIntegerField(
        _("versión de sesiones"), default=1, db_default=1, editable=False
    )

    # Schemas are created (cloned) explicitly by `tenant_create`, inside its transaction.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        app_label = "core"
        ordering = ["schema_name"]
        constraints = [models.UniqueConstraint(fields=["uid"], name="tenant_uid_unico")]
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")

    def __str__(self) -> str:
        return f"{self.nombre} ({self.schema_name})"


class Domain(DomainMixin):
    # django-tenants' fields as they are, with labels
    domain = models.CharField(_("dominio"), max_length=253, unique=True, db_index=True)
    tenant = models.ForeignKey(
        settings.TENANT_MODEL,
        db_index=True,
        related_name="domains",
        on_delete=models.CASCADE,
        verbose_name=_("tenant"),
    )
    is_primary = models.BooleanField(_("principal"), default=True, db_index=True)

    class Meta:
        app_label = "core"
        constraints = [models.UniqueConstraint(Lower("domain"), name="dominio_unico_ci")]
        verbose_name = _("dominio")
        verbose_name_plural = _("dominios")

    def __str__(self) -> str:
        return self.domain


class TenantEliminado(models.Model):
    """What remains of a deleted tenant: who it was and where its final backup is."""

    schema_name = models.CharField(_("schema"), max_length=63)
    uid = models.UUIDField(_("identificador"))
    nombre = models.CharField(_("nombre"), max_length=200)
    eliminado_en = models.DateTimeField(_("eliminado en"), auto_now_add=True)
    backup_path = models.CharField(_("copia final"), max_length=500)
    backup_checksum = models.CharField(_("checksum de la copia"), max_length=64)
    backup_size = models.BigIntegerField(_("tamaño de la copia (bytes)"), default=0)
    backup_cifrado = models.BooleanField(_("copia cifrada"), default=False)

    class Meta:
        app_label = "core"
        ordering = ["-eliminado_en"]
        verbose_name = _("tenant eliminado")
        verbose_name_plural = _("tenants eliminados")

    def __str__(self) -> str:
        return f"{self.nombre} ({self.schema_name}, {self.eliminado_en:%Y-%m-%d})"


class EstadoMigracion(models.TextChoices):
    AL_DIA = "al_dia", _("al día")
    FALLIDA = "fallida", _("fallida")


class MigracionTenant(models.Model):
    """Where each tenant's schema stands, kept in the public schema so that `migrate` knows which
    tenants are behind with one query instead of visiting every schema.

    `nivel` fingerprints the schema's applied migrations (its `django_migrations` rows); it is
    written in the same transaction that migrates the schema, so it is never ahead of or behind
    the schema itself, whatever process dies when.
    """

    tenant = models.OneToOneField(
        Tenant, on_delete=models.CASCADE, primary_key=True, related_name="migracion", verbose_name=_("tenant")
    )
    nivel = models.CharField(_("nivel"), max_length=64)
    estado = models.CharField(_("estado"), max_length=10, choices=EstadoMigracion.choices)
    error = models.TextField(_("último error"), blank=True, default="")
    intentos = models.PositiveIntegerField(_("intentos fallidos"), default=0)
    actualizado_en = models.DateTimeField(_("actualizado en"), auto_now=True)

    class Meta:
        app_label = "core"
        verbose_name = _("migración de tenant")
        verbose_name_plural = _("migraciones de tenants")
        indexes = [models.Index(fields=["nivel"], name="migraciontenant_nivel_idx")]

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.estado}"


class EsquemaPlantilla(models.Model):
    """The template schema's definition at one migration level, dumped once (by `migrate`) and
    shared by every process: a new tenant replays it, and a backup writes it around the tenant's
    own rows, so neither runs pg_dump, whose cost grows with the number of schemas.

    The SQL names objects `<template>.name`; users swap in the tenant's schema.
    """

    nivel = models.CharField(_("nivel"), max_length=64, primary_key=True)
    plantilla = models.CharField(_("schema de la plantilla"), max_length=63)
    antes = models.TextField(_("definición (antes de los datos)"))
    datos = models.TextField(_("datos de la plantilla"))
    despues = models.TextField(_("definición (después de los datos)"))
    # {table: [columns in order]}, as COPY reads and writes them
    tablas = models.JSONField(_("tablas"))
    secuencias = models.JSONField(_("secuencias"))
    creado_en = models.DateTimeField(_("creado en"), auto_now_add=True)

    class Meta:
        app_label = "core"
        verbose_name = _("definición de la plantilla")
        verbose_name_plural = _("definiciones de la plantilla")

    def __str__(self) -> str:
        return f"{self.plantilla}@{self.nivel[:12]}"


class AgendaTenant(models.Model):
    """When a periodic sweep should next look at a tenant, per kind of work (`tarea`).

    Sweeps read the rows that are due instead of visiting every schema: the outbox sweep only
    the tenants whose writes left events (marked in the write's transaction), the backup sweep
    only the tenants whose schedule comes due. A tenant without a row is looked at once.
    """

    schema_name = models.CharField(_("schema"), max_length=63)
    tarea = models.CharField(_("tarea"), max_length=30)
    revisar_en = models.DateTimeField(_("revisar en"))

    class Meta:
        app_label = "core"
        constraints = [models.UniqueConstraint(fields=["schema_name", "tarea"], name="agendatenant_unica")]
        indexes = [models.Index(fields=["tarea", "revisar_en"], name="agendatenant_vence_idx")]
        verbose_name = _("agenda de tenant")
        verbose_name_plural = _("agenda de tenants")

    def __str__(self) -> str:
        return f"{self.schema_name}:{self.tarea}@{self.revisar_en:%Y-%m-%d %H:%M}"
