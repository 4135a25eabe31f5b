"""Deleting a tenant, for platform operators: a final backup, then the schema, rows and name go.

The old tenant's tokens never work again: they carry its `uid`, which no other tenant has, even one
created later under the same schema name; and its cache entries are refused by the schema's
version, bumped in the same transaction as the drop.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name, schema_context

from backups.models import TipoBackup
from backups.services import backup_create
from core.db import connection
from core.errors import InvalidError
from core.invalidation import ALL, watcher
from core.models import AgendaTenant, Domain, Tenant, TenantEliminado
from core.tenancy.maintenance import tenant_writes_paused
from core.tenancy.resolver import forget_tenants
from core.tenancy.services import tenant_cache_clear


def tenant_delete(*, tenant: Tenant, confirm: str | None) -> TenantEliminado:
    """Delete the tenant after a final backup (kept in storage, recorded in the public schema).
    Its writes are paused first, so the backup holds every acknowledged write."""
    if tenant.schema_name == get_public_schema_name():
        raise InvalidError({"schema_name": [_("El schema público no se puede eliminar.")]})
    if confirm != tenant.schema_name:
        raise InvalidError(
            {
                "confirm": [
                    _("Escribe el nombre del schema (%(s)s) para confirmar.") % {"s": tenant.schema_name}
                ]
            }
        )
    schema = tenant.schema_name
    connection.set_schema_to_public()
    with tenant_writes_paused(tenant_id=tenant.pk):
        with schema_context(schema):
            record, _finished = backup_create(backup_type=TipoBackup.MANUAL, allow_async=False)
        with transaction.atomic():
            gone = TenantEliminado.objects.create(
                schema_name=schema,
                uid=tenant.uid,
                nombre=tenant.nombre,
                backup_path=record.file_path,
                backup_checksum=record.checksum_sha256,
                backup_size=record.file_size,
                backup_cifrado=record.cifrado,
            )
            Domain.objects.filter(tenant_id=tenant.pk).delete()
            AgendaTenant.objects.filter(schema_name=schema).delete()
            Tenant.objects.filter(pk=tenant.pk).delete()
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '30s'")
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            forget_tenants()
            watcher.bump(schema, ALL)
    tenant_cache_clear(schema_name=schema)
    return gone
