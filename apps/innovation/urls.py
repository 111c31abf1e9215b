"""Pages of innovation (views in apps/innovation/pages/), inside one cluster."""

from django.urls import path

from .pages import challenges, experts, knowledge, search, solutions

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
    path("clusters/<slug:slug>/challenges/new/", challenges.challenge_create, name="challenge-create-page"),
    path(
        "clusters/<slug:slug>/challenges/<int:pk>/solutions/new/",
        solutions.solution_create,
        name="solution-create-page",
    ),
    path(
        "clusters/<slug:slug>/challenges/<int:pk>/solutions/<int:solution_id>/revise/",
        solutions.solution_revise,
        name="solution-revise-page",
    ),
    path(
        "clusters/<slug:slug>/challenges/<int:pk>/solutions/<int:solution_id>/shortlist/",
        solutions.solution_shortlist,
        name="solution-shortlist-page",
    ),
    path(
        "clusters/<slug:slug>/challenges/<int:pk>/solutions/<int:solution_id>/questions/",
        solutions.solution_question,
        name="solution-question-page",
    ),
    path(
        "clusters/<slug:slug>/challenges/<int:pk>/solutions/<int:solution_id>/answer/",
        solutions.solution_answer,
        name="solution-answer-page",
    ),
    path(
        "clusters/<slug:slug>/challenges/<int:pk>/solutions/<int:solution_id>/documents/<int:document_id>/",
        solutions.solution_document_open,
        name="solution-document-open",
    ),
    path(
        "clusters/<slug:slug>/challenges/<int:pk>/solutions/<int:solution_id>/documents/<int:document_id>/"
        "download/<str:token>/",
        solutions.solution_document_download,
        name="solution-document-download",
    ),
    path("clusters/<slug:slug>/challenges/<int:pk>/award/", solutions.challenge_award, name="challenge-award-page"),
    path("clusters/<slug:slug>/experts/", experts.expert_list, name="expert-list-page"),
    path("clusters/<slug:slug>/experts/me/", experts.expert_profile, name="expert-profile-page"),
    path(
        "clusters/<slug:slug>/partner-challenges/<int:entry>/",
        challenges.partner_challenge,
        name="partner-challenge-page",
    ),
]


urlpatterns += [
    # --- knowledge library and search ---
    path("clusters/<slug:slug>/knowledge/", knowledge.knowledge_list, name="knowledge-list"),
    path("clusters/<slug:slug>/knowledge/<int:pk>/", knowledge.knowledge_detail, name="knowledge-detail"),
    path("clusters/<slug:slug>/search/", search.search_page, name="search"),
]
