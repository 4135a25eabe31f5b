"""The tenancy models: organisations, their domains and what remains of deleted ones.

They belong to the `core` app (their tables and migrations are core's), and live here beside the
rest of tenancy; `core.models` imports them so that Django finds them.
"""

import uuid

from django.contrib.postgres.functions import RandomUUID
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class Tenant(TenantMixin):
    """An organisation. Its data lives in the PostgreSQL schema `schema_name`."""

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
    backup_checksum = models.CharField(max_length=64)
    backup_size = models.BigIntegerField(default=0)
    backup_cifrado = models.BooleanField(default=False)

    class Meta:
        app_label = "core"
        ordering = ["-eliminado_en"]
        verbose_name = _("tenant eliminado")
        verbose_name_plural = _("tenants eliminados")

    def __str__(self) -> str:
        return f"{self.nombre} ({self.schema_name}, {self.eliminado_en:%Y-%m-%d})"
