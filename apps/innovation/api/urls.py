"""The REST resources of innovation, mounted under /api/v1/ (cluster_platform/api_urls.py)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import challenges, experts, knowledge, search

urlpatterns = []

# --- challenges and solutions ---
challenge_router = SimpleRouter()
challenge_router.register("challenges", challenges.ChallengeViewSet, basename="challenge")
challenge_router.register("experts", experts.ExpertViewSet, basename="expert")
solution_router = SimpleRouter()
solution_router.register("solutions", challenges.SolutionViewSet, basename="challenge-solution")
urlpatterns += [
    path("clusters/<slug:cluster_slug>/", include(challenge_router.urls)),
    path("clusters/<slug:cluster_slug>/challenges/<int:challenge_pk>/", include(solution_router.urls)),
]


# --- knowledge library and search ---
knowledge_router = SimpleRouter()
knowledge_router.register("knowledge", knowledge.KnowledgeEntryViewSet, basename="knowledge")
knowledge_router.register("search", search.SearchViewSet, basename="search")

urlpatterns += [
    path("clusters/<slug:cluster_slug>/", include(knowledge_router.urls)),
]
