"""Pages of the marketplace (views in apps/marketplace/views.py), all inside one cluster."""

from django.urls import path, register_converter

from . import views


class ListingKindConverter:
    """order, capacity, channel_offer or channel_request (anything else is a 404)."""

    regex = "order|capacity|channel_offer|channel_request"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ListingKindConverter, "listingkind")

urlpatterns = [
    path("clusters/<slug:slug>/market/", views.market, name="market"),
    path("clusters/<slug:slug>/market/mine/", views.my_listings, name="my-listings"),
    path("clusters/<slug:slug>/market/<listingkind:kind>/new/", views.listing_create, name="listing-create"),
    path("clusters/<slug:slug>/market/<listingkind:kind>/<int:pk>/", views.listing_detail, name="listing-detail"),
    path("clusters/<slug:slug>/market/<listingkind:kind>/<int:pk>/edit/", views.listing_edit, name="listing-edit"),
    path(
        "clusters/<slug:slug>/market/<listingkind:kind>/<int:pk>/transition/",
        views.listing_transition,
        name="listing-transition",
    ),
    path("clusters/<slug:slug>/matches/", views.my_matches, name="my-matches"),
    path("clusters/<slug:slug>/matches/<int:pk>/accept/", views.match_accept, name="match-accept"),
    path("clusters/<slug:slug>/matches/<int:pk>/decline/", views.match_decline, name="match-decline"),
    path("clusters/<slug:slug>/deals/", views.my_deals, name="my-deals"),
    path("clusters/<slug:slug>/deals/<int:pk>/", views.deal_detail, name="deal-detail"),
    path("clusters/<slug:slug>/deals/<int:pk>/advance/", views.deal_advance, name="deal-advance"),
    path("clusters/<slug:slug>/deals/<int:pk>/rate/", views.deal_rate, name="deal-rate"),
]
