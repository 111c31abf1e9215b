"""The declared query parameters of the market's matches and deals: each answers 400 naming itself when wrong."""

from django_filters import rest_framework as filters

from .models import Deal, Match, MatchKind


class MatchFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Match.Status.choices)
    kind = filters.ChoiceFilter(choices=MatchKind.choices)

    class Meta:
        model = Match
        fields = ["status", "kind"]


class DealFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Deal.Status.choices)

    class Meta:
        model = Deal
        fields = ["status"]
