"""The declared query parameters of the matching-run API: each answers 400 naming itself when wrong."""

from django_filters import rest_framework as filters

from apps.marketplace.models import MatchingRun


class MatchingRunFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=MatchingRun.Kind.choices, help_text="Only full re-plans or incremental runs.")
    status = filters.ChoiceFilter(choices=MatchingRun.Status.choices, help_text="Only runs in this status.")

    class Meta:
        model = MatchingRun
        fields = ["kind", "status"]
