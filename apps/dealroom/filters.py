"""The deal room's FilterSets: the API filters with them, the pages show their ``.form``."""

import django_filters

from .models import Dispute

# --- documents and disputes ---


class DisputeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Dispute.Status.choices)

    class Meta:
        model = Dispute
        fields = ["status"]


class DisputeQueueFilter(DisputeFilter):
    """The administrators' queue: the open disputes unless another status is asked for."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = Dispute.Status.OPEN
        super().__init__(data, *args, **kwargs)
