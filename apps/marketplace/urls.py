"""Pages of the marketplace (views in apps/marketplace/pages/), all inside one cluster."""

from django.urls import path, register_converter

from .pages import deals, listings, matches, partners


class ListingKindConverter:
    """order, capacity, channel_offer or channel_request (anything else is a 404)."""

    regex = "order|capacity|channel_offer|channel_request"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ListingKindConverter, "listingkind")

urlpatterns = [
    path("clusters/<slug:slug>/market/", listings.market, name="market"),
    path("clusters/<slug:slug>/market/mine/", listings.my_listings, name="my-listings"),
    path("clusters/<slug:slug>/market/<listingkind:kind>/new/", listings.listing_create, name="listing-create"),
    path("clusters/<slug:slug>/market/<listingkind:kind>/<int:pk>/", listings.listing_detail, name="listing-detail"),
    path("clusters/<slug:slug>/market/<listingkind:kind>/<int:pk>/edit/", listings.listing_edit, name="listing-edit"),
    path(
        "clusters/<slug:slug>/market/<listingkind:kind>/<int:pk>/transition/",
        listings.listing_transition,
        name="listing-transition",
    ),
    path("clusters/<slug:slug>/matches/", matches.my_matches, name="my-matches"),
    path("clusters/<slug:slug>/matches/<int:pk>/accept/", matches.match_accept, name="match-accept"),
    path("clusters/<slug:slug>/matches/<int:pk>/decline/", matches.match_decline, name="match-decline"),
    path("clusters/<slug:slug>/deals/", deals.my_deals, name="my-deals"),
    path("clusters/<slug:slug>/deals/<int:pk>/", deals.deal_detail, name="deal-detail"),
    path("clusters/<slug:slug>/deals/<int:pk>/advance/", deals.deal_advance, name="deal-advance"),
    path("clusters/<slug:slug>/deals/<int:pk>/rate/", deals.deal_rate, name="deal-rate"),
    path("clusters/<slug:slug>/partner-market/", partners.partner_market, name="partner-market"),
]
