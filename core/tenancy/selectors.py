from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name

from core.citus import schema_placements
from core.db import connection
from core.models import Tenant


def tenant_list() -> QuerySet[Tenant]:
    return Tenant.objects.exclude(schema_name=get_public_schema_name()).prefetch_related("domains")


def tenant_placements(*, schemas: list[str]) -> dict[str, str]:
    """Where each tenant's schema lives on a Citus cluster ("host:port"); empty elsewhere."""
    with connection.cursor() as cursor:
        return schema_placements(cursor, schemas)
