"""Platform staff read listings, matches, deals, ratings and matching runs here; a listing is
published or closed, a match accepted and a deal moved on the cluster's pages, through ``services``.
Staff may take a listing off the market: an action that calls the moderators' service (the listing
is cancelled as its owner would cancel it, and its open proposals are withdrawn)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline, service_action

from .models import CapacityOffer, ChannelOffer, ChannelRequest, Deal, DealEvent, Match, MatchingRun, Order, Rating
from .services.listings import listing_remove_by_moderator

NAMES = ("legal_name_zh", "legal_name_en")


def names_of(*paths: str) -> tuple[str, ...]:
    return tuple(f"{path}__{field}" for path in paths for field in NAMES)


def _cancel(*, request, row, reason):
    listing_remove_by_moderator(actor=request.user, cluster=row.cluster, listing=row)


class ListingAdmin(ReadOnlyModelAdmin):
    actions = [
        service_action(
            "cancel",
            description=_("Take the selected listings off the market (cancel them)"),
            call=_cancel,
            done=_("%(row)s: cancelled."),
        )
    ]
    list_display = ("title", "cluster", "owner", "status", "published_at", "created_at")
    list_filter = ("cluster", "status")
    search_fields = ("title", *names_of("owner"))
    list_select_related = ("cluster", "owner")
    date_hierarchy = "created_at"


@admin.register(Order)
class OrderAdmin(ListingAdmin):
    list_display = (*ListingAdmin.list_display[:4], "quantity", "need_by", "published_at")
    list_filter = (*ListingAdmin.list_filter, "capability")
    search_fields = (*ListingAdmin.search_fields, "product_category")


@admin.register(CapacityOffer)
class CapacityOfferAdmin(ListingAdmin):
    list_filter = (*ListingAdmin.list_filter, "capability")


@admin.register(ChannelOffer)
class ChannelOfferAdmin(ListingAdmin):
    list_filter = (*ListingAdmin.list_filter, "kind")


@admin.register(ChannelRequest)
class ChannelRequestAdmin(ListingAdmin):
    search_fields = (*ListingAdmin.search_fields, "product_category")


@admin.register(MatchingRun)
class MatchingRunAdmin(ReadOnlyModelAdmin):
    list_display = ("__str__", "cluster", "kind", "status", "trigger", "created_at", "finished_at")
    list_filter = ("cluster", "status", "kind")
    search_fields = ("trigger",)
    list_select_related = ("cluster",)
    date_hierarchy = "created_at"


@admin.register(Match)
class MatchAdmin(ReadOnlyModelAdmin):
    list_display = ("__str__", "cluster", "kind", "demand_owner", "supply_owner", "status", "expires_at")
    list_filter = ("cluster", "status", "kind")
    search_fields = names_of("demand_owner", "supply_owner")
    list_select_related = ("cluster", "demand_owner", "supply_owner")
    date_hierarchy = "created_at"


class DealEventInline(ReadOnlyTabularInline):
    model = DealEvent
    fields = ("created_at", "status", "side", "actor")
    list_select_related = ("actor",)


@admin.register(Deal)
class DealAdmin(ReadOnlyModelAdmin):
    list_display = ("__str__", "cluster", "kind", "buyer", "supplier", "status", "created_at", "closed_at")
    list_filter = ("cluster", "status", "kind")
    search_fields = names_of("buyer", "supplier")
    list_select_related = ("cluster", "buyer", "supplier")
    date_hierarchy = "created_at"
    inlines = [DealEventInline]


@admin.register(Rating)
class RatingAdmin(ReadOnlyModelAdmin):
    list_display = ("deal", "rater", "ratee", "quality", "on_time", "communication", "published_at")
    list_filter = ("deal__cluster", "quality")
    search_fields = names_of("rater", "ratee")
    list_select_related = ("deal", "rater", "ratee")
    date_hierarchy = "created_at"
