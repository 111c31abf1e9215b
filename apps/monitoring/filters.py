"""The declared query parameters of the monitoring API: each answers 400 naming itself when it is wrong."""

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from .models import Alert, KpiSnapshot


class AlertFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=Alert.State.choices, help_text="Default: every alert not resolved.")

    class Meta:
        model = Alert
        fields = ["state"]

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.exclude(state=Alert.State.RESOLVED)
        return super().filter_queryset(queryset)


class LimitFilter(filters.NumberFilter):
    """How many of the latest snapshots: an integer within bounds, else a 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args, default: int, **kwargs):
        self.default = default
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return qs.order_by("-taken_at")[: value or self.default]


LIMIT = {"minimum": 1, "maximum": 1000, "default": 100}


class MetricsFilter(filters.FilterSet):
    limit = extend_schema_field(
        {"type": "integer", **LIMIT, "description": "Most recent N snapshots (default 100, max 1000)."}
    )(LimitFilter(min_value=LIMIT["minimum"], max_value=LIMIT["maximum"], default=LIMIT["default"]))

    class Meta:
        model = KpiSnapshot
        fields = []
