"""Serializer building blocks shared by the apps."""

import copy

from django.db import models
from rest_framework import serializers

from apps.core.dates import span_of

from .fields import DateField, DateTimeField


class ModelSerializer(serializers.ModelSerializer):
    """The base of every ModelSerializer of the API.

    A model's DateField and DateTimeField become the API's bounded fields (``fields.py``),
    with the span ``apps.core.dates.FIELD_SPANS`` gives the model field, so a new
    serializer refuses dates out of range and answers datetimes in UTC without saying so.
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: DateField,
        models.DateTimeField: DateTimeField,
    }

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        # DRF drops allow_blank from a read-only field, so the schema of a blank choice
        # field read back ("" on the wire) would promise one of its choices only
        blank_choice = kwargs.get("allow_blank") and "choices" in kwargs
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank_choice and kwargs.get("read_only"):
            kwargs["allow_blank"] = True
        return kwargs

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if issubclass(field_class, DateField | DateTimeField):
            field_kwargs["span"] = span_of(model_field)
        return field_class, field_kwargs


class FieldsBuiltOnceModelSerializer(ModelSerializer):
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
