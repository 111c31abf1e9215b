"""The REST resources of dealroom, mounted under /api/v1/ (cluster_platform/api_urls.py)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import disputes, documents

# --- documents and disputes ---
deal_router = SimpleRouter()
deal_router.register("documents", documents.DealDocumentsViewSet, basename="deal-document")
match_router = SimpleRouter()
match_router.register("documents", documents.MatchDocumentsViewSet, basename="match-document")
cluster_router = SimpleRouter()
cluster_router.register("documents", documents.DocumentViewSet, basename="document")
cluster_router.register("disputes", disputes.DisputeViewSet, basename="dispute")
DEAL = "clusters/<slug:cluster_slug>/deals/<int:deal_pk>/"

urlpatterns = [
    path(DEAL, include(deal_router.urls)),
    path(
        DEAL + "dispute/",
        disputes.DealDisputeViewSet.as_view({"get": "current", "post": "open"}),
        name="deal-dispute",
    ),
    path("clusters/<slug:cluster_slug>/matches/<int:match_pk>/", include(match_router.urls)),
    path("clusters/<slug:cluster_slug>/", include(cluster_router.urls)),
]
