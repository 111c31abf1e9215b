"""The REST resources of dealroom, mounted under /api/v1/ (cluster_platform/api_urls.py)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import offers, rfq

urlpatterns = []

# --- offers and requests for quotation ---------------------------------------------------------
offer_router = SimpleRouter()
offer_router.register("offers", offers.OfferViewSet, basename="match-offer")
rfq_router = SimpleRouter()
rfq_router.register("rfqs", rfq.RfqViewSet, basename="rfq")
urlpatterns += [
    path("clusters/<slug:cluster_slug>/matches/<int:match_pk>/", include(offer_router.urls)),
    path("clusters/<slug:cluster_slug>/", include(rfq_router.urls)),
]
