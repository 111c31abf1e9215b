"""The declared query parameters of the marketplace, pages and API alike.

The market's filters, one FilterSet per kind of listing (``OrderMarketFilter`` …), are those
of the market page and of the API: the page shows a FilterSet's ``.form`` and lists its
``.qs`` (a value a field refuses is shown with its error beside the field and left out);
the API's FilterSets (``OrderFilter`` …) add what only the API offers (status, owner, mine,
currency …; and a capability may be any code there, an unknown one finding nothing) and,
through ``DjangoFilterBackend``, answer 400 naming a field that refuses its value. Matches and deals are filtered by status (and kind) in the API; the pages' tabs group
statuses (``apps.core.forms.PageQuery``).
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from apps.core.api.filters import DateFilter, FilterSet, IdFilter
from apps.membership.forms import capability_choices

from .models import CapacityOffer, ChannelOffer, ChannelRequest, Deal, Match, MatchKind, Order, Reputation

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CodePrefixFilter(filters.CharFilter):
    """A region or market code, or its start (``33``, ``3306``, ``US``): up to six letters or digits."""

    field_class = forms.RegexField

    def __init__(self, *args, placeholder=None, **kwargs):
        kwargs.setdefault("label", _("Region code"))
        placeholder = placeholder or _("e.g. 33 or 3306")
        kwargs.setdefault("regex", r"^[0-9A-Za-z]{1,6}$")
        kwargs.setdefault("error_messages", {"invalid": _("Up to six letters or digits, e.g. 33 or 3306.")})
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": placeholder}))
        super().__init__(*args, **kwargs)


def _date(label, **kwargs) -> DateFilter:
    return DateFilter(label=label, widget=DATE_INPUT, **kwargs)


# --- The market: one tab per kind of listing ----------------------------------------------------


class MarketFilter(FilterSet):
    q = filters.CharFilter(
        field_name="title",
        lookup_expr="icontains",
        label=_("Title"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Words in the title")}),
    )


class ProductionMarketFilter(MarketFilter):
    capability = filters.ChoiceFilter(
        field_name="capability_id",
        label=_("Capability"),
        choices=capability_choices,  # read when a value is checked or the select is drawn
        empty_label=_("Any capability"),
    )


class OrderMarketFilter(ProductionMarketFilter):
    region = CodePrefixFilter(field_name="delivery_region_code", lookup_expr="startswith")
    need_by_after = _date(_("Need by, from"), field_name="need_by", lookup_expr="gte")
    need_by_before = _date(_("Need by, until"), field_name="need_by", lookup_expr="lte")


class CapacityMarketFilter(ProductionMarketFilter):
    region = CodePrefixFilter(field_name="region_code", lookup_expr="startswith")
    available_on = _date(_("Available on"), method="filter_available_on")

    def filter_available_on(self, queryset, name, value):
        """The capacity's window covers the day."""
        return queryset.filter(available_from__lte=value, available_until__gte=value)


class ChannelMarketFilter(MarketFilter):
    region = CodePrefixFilter(method="filter_market", label=_("Market code"), placeholder=_("e.g. 33 or US"))

    def filter_market(self, queryset, name, value):
        """A market code in the listing's list that starts with the value (the list is JSON)."""
        return queryset.filter(markets__icontains=f'"{value}')


class ChannelOfferMarketFilter(ChannelMarketFilter):
    available_on = _date(_("Available on"), field_name="available_from", lookup_expr="lte")


class ChannelRequestMarketFilter(ChannelMarketFilter):
    start_by_before = _date(_("Starting by"), field_name="start_by", lookup_expr="lte")


#: listing kind -> the market tab's filters
MARKET_FILTERS = {
    "order": OrderMarketFilter,
    "capacity": CapacityMarketFilter,
    "channel_offer": ChannelOfferMarketFilter,
    "channel_request": ChannelRequestMarketFilter,
}


# --- The API's listings: the market's filters and more ------------------------------------------


class ListingFilter(FilterSet):
    status = filters.CharFilter(field_name="status")
    owner = IdFilter(field_name="owner_id")
    mine = filters.BooleanFilter(method="filter_mine", label="Only my enterprises' listings")
    created_after = DateFilter(field_name="created_at", lookup_expr="date__gte")

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(owner__people__user=self.request.user)


class ProductionListingFilter(ListingFilter):
    # the API's capability is any code (an unknown one finds nothing); the page offers a choice
    capability = filters.CharFilter(field_name="capability_id")


class OrderFilter(ProductionListingFilter, OrderMarketFilter):
    class Meta:
        model = Order
        fields = ["status", "capability", "owner", "currency", "splittable"]


class CapacityFilter(ProductionListingFilter, CapacityMarketFilter):
    class Meta:
        model = CapacityOffer
        fields = ["status", "capability", "owner", "currency"]


class ChannelOfferFilter(ListingFilter, ChannelOfferMarketFilter):
    class Meta:
        model = ChannelOffer
        fields = ["status", "owner", "kind"]


class ChannelRequestFilter(ListingFilter, ChannelRequestMarketFilter):
    class Meta:
        model = ChannelRequest
        fields = ["status", "owner", "product_category"]


# --- Matches and deals (API) --------------------------------------------------------------------


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


class EnterpriseIdsFilter(filters.BaseInFilter, IdFilter):
    """Comma-separated ids, each one as ``IdFilter`` checks it."""


class ReputationFilter(filters.FilterSet):
    enterprise = EnterpriseIdsFilter(
        field_name="enterprise_id", help_text="Comma-separated enterprise ids (as in the member directory)."
    )

    class Meta:
        model = Reputation
        fields = ["enterprise"]
