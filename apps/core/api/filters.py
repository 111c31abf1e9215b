"""Filters shared by the apps' FilterSets (``apps/<app>/filters.py``)."""

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

MAX_ID = 2**63 - 1  # a bigint primary key


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """An object's id: a positive integer in plain ASCII digits, else a 400 naming the parameter.

    (``NumberFilter`` takes any decimal, ``1e9`` included; ``str.isdigit`` lets ``²`` through to ``int``.)
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
