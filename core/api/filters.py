import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend


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
