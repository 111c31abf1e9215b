"""The deal room's FilterSets (the API filters through them; no view reads a parameter by hand)."""

import django_filters
from django_filters import rest_framework as filters

from apps.core.api.filters import FilterSet, IdFilter

from .models import Dispute, Message

# --- conversation ---------------------------------------------------------------------------


class MessageFilter(FilterSet):
    """``?after=<id>``: only the messages newer than that one (a client catching up)."""

    after = IdFilter(field_name="pk", lookup_expr="gt", label="after message id")
    before = IdFilter(field_name="pk", lookup_expr="lt", label="before message id")

    class Meta:
        model = Message
        fields = ["after", "before"]


__all__ = ["MessageFilter", "filters"]


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
