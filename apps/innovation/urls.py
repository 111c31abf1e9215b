"""Pages of innovation (views in apps/innovation/pages/), inside one cluster."""

from django.urls import path

from .pages import knowledge, search

urlpatterns = [
    # --- knowledge library and search ---
    path("clusters/<slug:slug>/knowledge/", knowledge.knowledge_list, name="knowledge-list"),
    path("clusters/<slug:slug>/knowledge/<int:pk>/", knowledge.knowledge_detail, name="knowledge-detail"),
    path("clusters/<slug:slug>/search/", search.search_page, name="search"),
]
