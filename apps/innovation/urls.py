"""Pages of innovation (views in apps/innovation/pages/), inside one cluster."""

from django.urls import path

from .pages import challenges, experts, knowledge, search

urlpatterns = []

# --- challenges and solutions ---
urlpatterns += [
    path("clusters/<slug:slug>/challenges/", challenges.challenge_list, name="challenge-list-page"),
    path("clusters/<slug:slug>/challenges/<int:pk>/", challenges.challenge_detail, name="challenge-page"),
    path(
        "clusters/<slug:slug>/challenges/<int:pk>/accept-terms/",
        challenges.challenge_accept_terms,
        name="challenge-accept-terms-page",
    ),
    path("clusters/<slug:slug>/experts/", experts.expert_list, name="expert-list-page"),
]


urlpatterns += [
    # --- knowledge library and search ---
    path("clusters/<slug:slug>/knowledge/", knowledge.knowledge_list, name="knowledge-list"),
    path("clusters/<slug:slug>/knowledge/<int:pk>/", knowledge.knowledge_detail, name="knowledge-detail"),
    path("clusters/<slug:slug>/search/", search.search_page, name="search"),
]
