from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name

from core.models import Tenant


def tenant_list() -> QuerySet[Tenant]:
    return Tenant.objects.exclude(schema_name=get_public_schema_name()).prefetch_related("domains")
