"""The deal room's FilterSets: the API filters with them, the pages show their ``.form``."""

import django_filters

from .models import Dispute

# --- documents and disputes ---


class DisputeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Dispute.Status.choices)

    class Meta:
        model = Dispute
        fields = ["status"]
