"""The declared query parameters of the monitoring API: each answers 400 naming itself when it is wrong."""

from django_filters import rest_framework as filters
from rest_framework import serializers

from .models import Alert


class AlertFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=Alert.State.choices, help_text="Default: every alert not resolved.")

    class Meta:
        model = Alert
        fields = ["state"]

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.exclude(state=Alert.State.RESOLVED)
        return super().filter_queryset(queryset)


class MetricsQuery(serializers.Serializer):
    limit = serializers.IntegerField(
        min_value=1, max_value=1000, default=100, help_text="Most recent N snapshots (default 100, max 1000)."
    )
