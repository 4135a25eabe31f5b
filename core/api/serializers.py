"""Serializer plumbing shared by the apps."""

import copy


class FieldsOnceMixin:
    """Builds a ModelSerializer's fields once per class, then copies them for each use.

    DRF rebuilds them from the model on every instantiation, which is a sixth of a cached
    request. Only for serializers whose fields depend on nothing but the class (no context,
    no instance): the copies are what DRF itself makes of declared fields."""

    def get_fields(self):
        cls = type(self)
        template = cls.__dict__.get("_fields_once")
        if template is None:
            template = super().get_fields()  # type: ignore[misc]
            cls._fields_once = template  # type: ignore[attr-defined]
        return copy.deepcopy(template)
