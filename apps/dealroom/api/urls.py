"""The REST resources of dealroom, mounted under /api/v1/ (cluster_platform/api_urls.py)."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from . import conversation, disputes, documents, offers, rfq

# --- conversation ---
match_router = SimpleRouter()
match_router.register("messages", conversation.MatchMessageViewSet, basename="match-message")
deal_router = SimpleRouter()
deal_router.register("messages", conversation.DealMessageViewSet, basename="deal-message")

urlpatterns = [
    # ids of at most 18 digits, as ClusterScopedViewSet's own lookups: anything longer is a 404, never a 500
    re_path(
        r"^clusters/(?P<cluster_slug>[-a-zA-Z0-9_]+)/matches/(?P<match_pk>[0-9]{1,18})/", include(match_router.urls)
    ),
    re_path(r"^clusters/(?P<cluster_slug>[-a-zA-Z0-9_]+)/deals/(?P<deal_pk>[0-9]{1,18})/", include(deal_router.urls)),
]


# --- offers and requests for quotation ---------------------------------------------------------
offer_router = SimpleRouter()
offer_router.register("offers", offers.OfferViewSet, basename="match-offer")
rfq_router = SimpleRouter()
rfq_router.register("rfqs", rfq.RfqViewSet, basename="rfq")
urlpatterns += [
    path("clusters/<slug:cluster_slug>/matches/<int:match_pk>/", include(offer_router.urls)),
    path("clusters/<slug:cluster_slug>/", include(rfq_router.urls)),
]


# --- documents and disputes ---
document_deal_router = SimpleRouter()
document_deal_router.register("documents", documents.DealDocumentsViewSet, basename="deal-document")
document_match_router = SimpleRouter()
document_match_router.register("documents", documents.MatchDocumentsViewSet, basename="match-document")
cluster_router = SimpleRouter()
cluster_router.register("documents", documents.DocumentViewSet, basename="document")
cluster_router.register("disputes", disputes.DisputeViewSet, basename="dispute")
DEAL = "clusters/<slug:cluster_slug>/deals/<int:deal_pk>/"

urlpatterns += [
    path(DEAL, include(document_deal_router.urls)),
    path(
        DEAL + "dispute/",
        disputes.DealDisputeViewSet.as_view({"get": "current", "post": "open"}),
        name="deal-dispute",
    ),
    path("clusters/<slug:cluster_slug>/matches/<int:match_pk>/", include(document_match_router.urls)),
    path("clusters/<slug:cluster_slug>/", include(cluster_router.urls)),
]
