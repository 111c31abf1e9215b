"""The REST resources of innovation, mounted under /api/v1/ (cluster_platform/api_urls.py)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import knowledge, search

# --- knowledge library and search ---
knowledge_router = SimpleRouter()
knowledge_router.register("knowledge", knowledge.KnowledgeEntryViewSet, basename="knowledge")
knowledge_router.register("search", search.SearchViewSet, basename="search")

urlpatterns = [
    path("clusters/<slug:cluster_slug>/", include(knowledge_router.urls)),
]
