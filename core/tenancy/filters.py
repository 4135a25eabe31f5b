import django_filters

from core.api.filters import StrictBooleanFilter
from core.models import Tenant


class TenantFilter(django_filters.FilterSet):
    activo = StrictBooleanFilter()

    class Meta:
        model = Tenant
        fields = ["activo"]
