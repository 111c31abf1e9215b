"""The API's filters, shared by the apps' FilterSets (``apps/<app>/filters.py``).

Date parameters carry the bounds of ``apps.core.dates``: declare date filters with these
classes and derive FilterSets from ``FilterSet`` (which maps the model's date fields to
them), so ``?need_by_after=0031-01-01`` is a 400 naming the parameter.
``tests/core/test_dates.py`` walks every FilterSet.
"""

from django import forms as django_forms
from django.db import models
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from apps.core import forms

MAX_ID = 2**63 - 1  # a bigint primary key


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """An object's id: a positive integer in plain ASCII digits, else a 400 naming the parameter.

    (``NumberFilter`` takes any decimal, ``1e9`` included; ``str.isdigit`` lets ``²`` through to ``int``.)
    """

    field_class = django_forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class DateFilter(filters.DateFilter):
    field_class = forms.DateField


class DateTimeFilter(filters.IsoDateTimeFilter):
    field_class = forms.DateTimeField


class FilterSet(filters.FilterSet):
    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.DateField: {"filter_class": DateFilter},
        models.DateTimeField: {"filter_class": DateTimeFilter},
    }
