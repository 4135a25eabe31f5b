import django_filters

from core.api.filters import StrictBooleanFilter
from usuarios.models import Rol, Usuario


class UsuarioFilter(django_filters.FilterSet):
    rol = django_filters.ChoiceFilter(choices=Rol.choices)
    activo = StrictBooleanFilter()

    class Meta:
        model = Usuario
        fields = ["rol", "activo"]
