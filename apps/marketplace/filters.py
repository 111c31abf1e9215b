"""The declared query parameters of the marketplace, pages and API alike.

The market's filters, one FilterSet per kind of listing (``OrderMarketFilter`` …), are those
of the market page and of the API: the page shows a FilterSet's ``.form`` and lists its
``.qs`` (a value a field refuses is shown with its error beside the field and left out);
the API's FilterSets (``OrderFilter`` …) add what only the API offers (status, owner, mine,
currency …; and a capability may be any code there, an unknown one finding nothing) and,
through ``DjangoFilterBackend``, answer 400 naming a field that refuses its value. Matches and deals are filtered by status (and kind) in the API; the pages' tabs group
statuses (``apps.core.forms.PageQuery``).
"""

import math
import re

from django import forms
from django.db.models import ExpressionWrapper, F, FloatField, Value
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import ChoiceField

from apps.core.api.filters import DateFilter, FilterSet, IdFilter
from apps.membership.forms import capability_choices
from apps.reference.models import reads_chinese
from apps.reference.selectors import region_prefix_choices

from . import selectors
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


class RegionPrefixField(ChoiceField):
    """A province or city chosen by name (its code prefix: ``33``, ``3306``); a client may also
    send any region code or its start (``330600`` is read as ``3306``, ``330000`` as ``33``)."""

    CODE = re.compile(r"^[0-9]{1,6}$")

    def to_python(self, value):
        value = super().to_python(value)
        if len(value) == 6 and self.CODE.match(value):
            value = value.removesuffix("00").removesuffix("00")
        return value

    def valid_value(self, value):
        return bool(self.CODE.match(value)) or super().valid_value(value)


class RegionFilter(filters.ChoiceFilter):
    """The region filter of orders and capacity: a select of provinces and their cities by
    name, in the reader's language, with a search box (``data-search``, static/js/app.js)."""

    field_class = RegionPrefixField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Region"))
        kwargs.setdefault("lookup_expr", "startswith")
        kwargs.setdefault("empty_label", _("Any region"))
        kwargs.setdefault("error_messages", {"invalid_choice": _("Choose a province or city from the list.")})
        kwargs.setdefault("widget", forms.Select(attrs={"data-search": _("Search regions")}))
        super().__init__(*args, choices=_region_choices, **kwargs)


def _region_choices():
    return region_prefix_choices(chinese=reads_chinese())


class MarketOrdering(filters.OrderingFilter):
    """``ordering``: the market's sorts, by price, date (published), distance from the viewer's
    enterprise, or the score of the viewer's best match with the listing; either way round (the
    page offers the useful way of each). ``api_fields`` are the field names the API sorted by
    before (``need_by``, ``-created_at`` …). Ties go newest first."""

    def __init__(self, *, price, price_labels, point=None, match=None, api_fields=(), **kwargs):
        self.point, self.match = point, match
        params = {"price": price, "date": "published_at"}  # parameter -> field or annotation
        offered = [("-date", _("Newest first")), ("date", _("Oldest first"))]
        offered += [("price", price_labels[0]), ("-price", price_labels[1])]
        if point:
            params["distance"] = "distance"
            offered.append(("distance", _("Nearest first")))
        if match:
            params["score"] = "best_score"
            offered.append(("-score", _("Best match first")))
        params.update({name: name for name in api_fields})
        shown = dict(offered)
        others = [(f"{sign}{p}", f"{sign}{p}") for p in params for sign in ("", "-") if f"{sign}{p}" not in shown]
        self.offered = list(shown)
        kwargs.setdefault("label", _("Sort by"))
        kwargs.setdefault("empty_label", None)
        super().__init__(choices=offered + others, **kwargs)
        self.param_map = params

    @property
    def field(self):
        field = super().field
        # the page offers the useful sorts; the rest stay valid for the API
        field.widget.choices = [choice for choice in field.choices if choice[0] in self.offered]
        return field

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        names = {param.lstrip("-") for param in value}
        viewer = self.parent.request.user if self.parent.request else None
        if "distance" in names:
            qs = self._with_distance(qs, viewer)
        if "score" in names:
            qs = qs.annotate(best_score=selectors.best_match_score(self.match, viewer))
        ordering = []
        for param in value:
            name = self.get_ordering_value(param)
            descending = name.startswith("-")
            expression = F(name.lstrip("-"))
            ordering.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True))
        return qs.order_by(*ordering, "-published_at", "-pk")

    def _with_distance(self, qs, viewer):
        """``distance``: how far the listing's point is from the viewer's enterprise (an
        equirectangular approximation, in degrees: enough to sort); none without a point."""
        origin = selectors.viewer_point(viewer)
        if origin is None:
            return qs.annotate(distance=Value(None, output_field=FloatField()))
        latitude, longitude = self.point
        squeeze = math.cos(math.radians(float(origin[0])))
        north = ExpressionWrapper(F(latitude) - Value(origin[0]), output_field=FloatField())
        east = ExpressionWrapper((F(longitude) - Value(origin[1])) * Value(squeeze), output_field=FloatField())
        return qs.annotate(distance=north * north + east * east)


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


PRICE = (_("Price, lowest first"), _("Price, highest first"))
COMMISSION = (_("Commission, lowest first"), _("Commission, highest first"))


class OrderMarketFilter(ProductionMarketFilter):
    region = RegionFilter(field_name="delivery_region_code")
    ordering = MarketOrdering(
        price="target_unit_price",
        price_labels=PRICE,
        point=("delivery_latitude", "delivery_longitude"),
        match="order",
        api_fields=("created_at", "need_by", "target_unit_price", "quantity"),
    )
    need_by_after = _date(_("Need by, from"), field_name="need_by", lookup_expr="gte")
    need_by_before = _date(_("Need by, until"), field_name="need_by", lookup_expr="lte")


class CapacityMarketFilter(ProductionMarketFilter):
    region = RegionFilter(field_name="region_code")
    ordering = MarketOrdering(
        price="unit_price",
        price_labels=PRICE,
        point=("latitude", "longitude"),
        match="capacity",
        api_fields=("created_at", "available_from", "unit_price", "lead_time_days"),
    )
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
    ordering = MarketOrdering(
        price="commission_percent",
        price_labels=COMMISSION,
        match="channel_offer",
        api_fields=("created_at", "commission_percent", "monthly_volume"),
    )


class ChannelRequestMarketFilter(ChannelMarketFilter):
    start_by_before = _date(_("Starting by"), field_name="start_by", lookup_expr="lte")
    ordering = MarketOrdering(
        price="max_commission_percent",
        price_labels=COMMISSION,
        match="channel_request",
        api_fields=("created_at", "start_by", "monthly_volume"),
    )


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
