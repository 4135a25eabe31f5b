import django_filters
from django import forms


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
