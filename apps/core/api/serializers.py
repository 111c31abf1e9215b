"""Serializer building blocks shared by the apps."""

import copy

from rest_framework import serializers


class FieldsBuiltOnceModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer that works out its fields from the model once per class.

    DRF rebuilds every field from the model's metadata each time a serializer is created
    (about 4 ms for a listing on the hot market endpoints). The result depends only on the
    class, so it is built once and each serializer gets a deep copy, which is how DRF itself
    hands out declared fields. Subclasses that adjust fields per instance do it after
    ``super().get_fields()``, on their own copy.
    """

    _built_fields: dict = {}

    def get_fields(self):
        cls = type(self)
        built = FieldsBuiltOnceModelSerializer._built_fields.get(cls)
        if built is None:
            built = FieldsBuiltOnceModelSerializer._built_fields[cls] = super().get_fields()
        return copy.deepcopy(built)
