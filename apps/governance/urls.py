"""Pages of governance (views in apps/governance/views.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("clusters/<slug:slug>/council/", views.council, name="council"),
    path("clusters/<slug:slug>/council/seats/", views.council_bootstrap, name="council-bootstrap"),
    path("clusters/<slug:slug>/council/seats/<int:seat_id>/resign/", views.seat_resign, name="seat-resign"),
    path("clusters/<slug:slug>/proposals/", views.proposal_list, name="proposal-list"),
    path("clusters/<slug:slug>/proposals/new/", views.proposal_create, name="proposal-create"),
    path("clusters/<slug:slug>/petitions/new/", views.petition_create, name="petition-create"),
    path("clusters/<slug:slug>/proposals/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("clusters/<slug:slug>/proposals/<int:pk>/amend/", views.proposal_amend, name="proposal-amend"),
    path("clusters/<slug:slug>/proposals/<int:pk>/submit/", views.proposal_submit, name="proposal-submit"),
    path(
        "clusters/<slug:slug>/proposals/<int:pk>/open-voting/",
        views.proposal_open_voting,
        name="proposal-open-voting",
    ),
    path("clusters/<slug:slug>/proposals/<int:pk>/cosign/", views.proposal_cosign, name="proposal-cosign"),
    path("clusters/<slug:slug>/proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="proposal-withdraw"),
    path("clusters/<slug:slug>/proposals/<int:pk>/comments/", views.proposal_comment, name="proposal-comment"),
    path("clusters/<slug:slug>/proposals/<int:pk>/vote/", views.proposal_vote, name="proposal-vote"),
    path("clusters/<slug:slug>/rules/", views.rulebook, name="rulebook"),
]
