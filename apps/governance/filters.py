"""The declared query parameters of the governance API: each answers 400 naming itself when wrong."""

from django_filters import rest_framework as filters

from .models import Proposal


class ProposalFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Proposal.Status.choices)

    class Meta:
        model = Proposal
        fields = ["status"]
