from django.db import models
from django.db.models.functions import Now

# the tenancy models live with tenancy; imported here so that Django registers them in `core`
from core.tenancy.models import (
    AgendaTenant,
    Domain,
    EsquemaPlantilla,
    MigracionTenant,
    Tenant,
    TenantEliminado,
)

__all__ = [
    "AgendaTenant",
    "CacheVersion",
    "Domain",
    "EsquemaPlantilla",
    "MigracionTenant",
    "Tenant",
    "TenantEliminado",
]


class CacheVersion(models.Model):
    """The durable half of cache invalidation: a write bumps its key's row in its own transaction,
    so every process learns of it from the database (polled about once a second), whether or not
    Redis was reachable when the write was made. `clave` "*" covers a whole schema.

    Versions come from one sequence (never reused, even after old rows are pruned). A column
    `xid` (the writing transaction, xid8) lets pollers read exactly what committed since their
    last look; it is added by the migration because Django has no field for it.
    """

    schema_name = models.CharField(max_length=63)
    clave = models.CharField(max_length=255)
    version = models.BigIntegerField()
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["schema_name", "clave"], name="cacheversion_clave_unica")
        ]
        indexes = [models.Index(fields=["updated_at"], name="cacheversion_updated_idx")]

    def __str__(self) -> str:
        return f"{self.schema_name}:{self.clave}@{self.version}"
