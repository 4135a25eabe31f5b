import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):
    """true/false/1/0; anything else is a 400 instead of being silently ignored."""

    field_class = forms.TypedChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [(v, v) for v in ("true", "false", "1", "0")])
        kwargs.setdefault("coerce", lambda value: value in ("true", "1"))
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return super().filter(qs, value)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An id: a whole number (1.5 or "x" is a 400), documented as an integer."""

    field_class = forms.IntegerField


class LeanFilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipped when the request names none of the filters: building
    the filterset and its form costs a sixth of a list page that filters nothing. A filter
    whose parameters are prefixed with its name (ranges: `precio_min`) counts as named."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        names = tuple(filterset_class.base_filters)
        if not any(param.startswith(names) for param in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class StrictOrderingFilter(OrderingFilter):
    """DRF's `ordering`, refusing unknown fields with 400 instead of silently ignoring them (a
    client that misspells a field learns it at once, and the error lists the allowed ones)."""

    def remove_invalid_fields(self, queryset, fields, view, request):
        kept = super().remove_invalid_fields(queryset, fields, view, request)
        # an empty entry (`ordering=,`, `a,,b`) is a mistake too, not "no ordering"
        unknown = [f or '""' for f in fields if f not in kept]
        if unknown:
            valid = sorted(
                name for name, _label in self.get_valid_fields(queryset, view, {"request": request})
            )
            raise ValidationError(
                {
                    self.ordering_param: [
                        _("No se puede ordenar por: %(campos)s. Campos permitidos: %(permitidos)s.")
                        % {"campos": ", ".join(unknown), "permitidos": ", ".join(valid)}
                    ]
                }
            )
        return kept

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = getattr(view, "ordering_fields", None)
        if not isinstance(fields, (list, tuple)) or not fields:
            return parameters
        for parameter in parameters:
            parameter["description"] = str(
                _(
                    "Orden de los resultados: %(campos)s (con «-» delante, descendente; varios, separados por comas)."
                )
                % {"campos": ", ".join(fields)}
            )
            parameter["schema"] = {"type": "string", "enum": [v for f in fields for v in (f, f"-{f}")]}
        return parameters


class DocumentedSearchFilter(SearchFilter):
    """DRF's `search`, ignoring case and accents (`core.search`), whose documentation says which
    fields it looks in."""

    default_lookup = "sin_acentos"
    max_length = 200  # each word becomes a regular expression: a novel is refused, not compiled

    def get_search_terms(self, request):
        if len(request.query_params.get(self.search_param, "")) > self.max_length:
            raise ValidationError(
                {self.search_param: [_("Como mucho %(n)d caracteres.") % {"n": self.max_length}]}
            )
        return super().get_search_terms(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = [f.lstrip("^=@$") for f in getattr(view, "search_fields", None) or []]
        if fields:
            description = str(
                _("Busca el texto (sin distinguir mayúsculas ni acentos) en: %(campos)s.")
                % {"campos": ", ".join(fields)}
            )
            for parameter in parameters:
                parameter["description"] = description
                parameter["schema"] = {**parameter["schema"], "maxLength": self.max_length}
        return parameters
