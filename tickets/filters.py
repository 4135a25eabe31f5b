import django_filters

from core.api.filters import IdFilter, StrictOrderingFilter
from tickets.models import Estado, Prioridad, Ticket
from tickets.selectors import with_prioridad_orden


class TicketFilter(django_filters.FilterSet):
    estado = django_filters.ChoiceFilter(choices=Estado.choices)
    prioridad = django_filters.ChoiceFilter(choices=Prioridad.choices)
    asignado_a = IdFilter(field_name="asignado_a_id")
    usuario_id = IdFilter(field_name="usuario_id")

    class Meta:
        model = Ticket
        fields = ["estado", "prioridad", "asignado_a", "usuario_id"]


class TicketOrdering(StrictOrderingFilter):
    """`prioridad` orders by severity (baja < media < alta < critica), not alphabetically."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        mapped = [f.replace("prioridad", "prioridad_orden") for f in ordering]
        return [*mapped, "-fecha_creacion"] if mapped else mapped

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        if any(f.lstrip("-") == "prioridad_orden" for f in ordering):
            queryset = with_prioridad_orden(queryset)  # only then: the expression costs every query
        return queryset.order_by(*ordering)
