"""Serializer plumbing shared by the apps."""

import copy

from django.core.exceptions import ObjectDoesNotExist
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject


class FieldsOnceMixin:
    """For read-only ModelSerializers whose fields depend on nothing but the class (no context,
    no instance): what DRF redoes for every serializer and every object, done once.

    - The fields are built from the model once per class, then copied for each serializer (DRF
      rebuilds them on every instantiation: a sixth of a cached request).
    - `to_representation` reads each field's attribute directly when its source is one plain
      attribute, through a plan made once per serializer (a list serializer's child serves
      every row with it); any other source goes through DRF's own `get_attribute`. The output
      is DRF's: each field's own `to_representation` makes the value.
    """

    def get_fields(self):
        cls = type(self)
        template = cls.__dict__.get("_fields_once")
        if template is None:
            template = super().get_fields()  # type: ignore[misc]
            cls._fields_once = template  # type: ignore[attr-defined]
        return copy.deepcopy(template)

    def to_representation(self, instance):
        plan = self.__dict__.get("_read_plan")
        if plan is None:
            plan = [
                (f.field_name, f.source_attrs[0] if len(f.source_attrs) == 1 else None, f)
                for f in self._readable_fields  # type: ignore[attr-defined]
            ]
            self._read_plan = plan
        ret = {}
        for name, attr, field in plan:
            try:
                if attr is None:
                    raise AttributeError
                value = getattr(instance, attr)
                if callable(value):
                    raise AttributeError
            except ObjectDoesNotExist:
                value = None
            except AttributeError:
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
            if value is None or (isinstance(value, PKOnlyObject) and value.pk is None):
                ret[name] = None
            else:
                ret[name] = field.to_representation(value)
        return ret
