"""The declared query parameters of innovation, pages and API alike."""

from django_filters import rest_framework as filters

from .models import Challenge, ChallengeStatus, ExpertProfile

# --- challenges and solutions ---


class ChallengeFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ChallengeStatus.choices)
    capability = filters.CharFilter(field_name="capabilities__code", max_length=60, distinct=True)

    class Meta:
        model = Challenge
        fields = ["status", "capability"]


class ExpertFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ExpertProfile.Kind.choices)
    capability = filters.CharFilter(field_name="capabilities__code", max_length=60, distinct=True)

    class Meta:
        model = ExpertProfile
        fields = ["kind", "capability"]
