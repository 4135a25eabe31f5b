from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class Tenant(TenantMixin):
    """An organisation. Its data lives in the PostgreSQL schema `schema_name`."""

    nombre = models.CharField(_("nombre"), max_length=200)
    activo = models.BooleanField(_("activo"), default=True)
    fecha_creacion = models.DateTimeField(_("fecha de creación"), auto_now_add=True)

    # Schemas are created (cloned) explicitly by `tenant_create`, inside its transaction.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["schema_name"]
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")

    def __str__(self) -> str:
        return f"{self.nombre} ({self.schema_name})"


class Domain(DomainMixin):
    class Meta:
        constraints = [models.UniqueConstraint(Lower("domain"), name="dominio_unico_ci")]
        verbose_name = _("dominio")
        verbose_name_plural = _("dominios")

    def __str__(self) -> str:
        return self.domain
