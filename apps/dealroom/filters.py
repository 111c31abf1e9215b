"""The deal room's FilterSets (the API filters through them; no view reads a parameter by hand)."""

from django_filters import rest_framework as filters

from apps.core.api.filters import FilterSet, IdFilter

from .models import Message

# --- conversation ---------------------------------------------------------------------------


class MessageFilter(FilterSet):
    """``?after=<id>``: only the messages newer than that one (a client catching up)."""

    after = IdFilter(field_name="pk", lookup_expr="gt", label="after message id")
    before = IdFilter(field_name="pk", lookup_expr="lt", label="before message id")

    class Meta:
        model = Message
        fields = ["after", "before"]


__all__ = ["MessageFilter", "filters"]
