"""The API's filters: date parameters carry the bounds of ``apps.core.dates``.

Declare date filters with these classes and derive FilterSets from ``FilterSet`` (which
maps the model's date fields to them), so ``?need_by_after=0031-01-01`` is a 400 naming the
parameter. ``tests/core/test_dates.py`` walks every FilterSet.
"""

from django.db import models
from django_filters import rest_framework as filters

from apps.core import forms


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
