"""Serializer plumbing shared by the apps."""

from django.core.exceptions import ObjectDoesNotExist
from rest_framework.fields import HiddenField, SerializerMethodField, SkipField
from rest_framework.relations import HyperlinkedRelatedField, PKOnlyObject
from rest_framework.utils.serializer_helpers import BindingDict

# fields that read their serializer (its method, its context's request): never shared
_READS_ITS_SERIALIZER = (SerializerMethodField, HyperlinkedRelatedField, HiddenField)


class FieldsOnceMixin:
    """For read-only ModelSerializers whose fields depend on nothing but the class (no context,
    no instance): what DRF redoes for every serializer and every object, done once.

    - The fields are built from the model and bound once per class, and every serializer of
      the class shares them (DRF rebuilds and deep-copies them on every instantiation: a sixth
      of a cached request). Sharing is sound because these fields read nothing of their
      serializer (no context, no method fields) and are not changed by representing a value.
    - `to_representation` reads each field's attribute directly when its source is one plain
      attribute, through a plan made once per class (a list serializer's child serves every
      row with it); any other source goes through DRF's own `get_attribute`. The output is
      DRF's: each field's own `to_representation` makes the value.
    """

    @property
    def fields(self):
        cls = type(self)
        fields = cls.__dict__.get("_fields_once")
        if fields is None:  # two threads may both build them: the same fields, one is kept
            prototype = cls()
            fields = BindingDict(prototype)
            for name, field in prototype.get_fields().items():
                if isinstance(field, _READS_ITS_SERIALIZER):
                    raise TypeError(f"{cls.__name__}.{name} reads its serializer: it cannot be shared.")
                fields[name] = field
            cls._fields_once = fields
        return fields

    def to_representation(self, instance):
        cls = type(self)
        plan = cls.__dict__.get("_read_plan")
        if plan is None:
            plan = [
                (f.field_name, f.source_attrs[0] if len(f.source_attrs) == 1 else None, f)
                for f in self._readable_fields
            ]
            cls._read_plan = plan
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
