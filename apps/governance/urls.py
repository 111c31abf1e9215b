"""Pages of governance (views in apps/governance/pages/)."""

from django.urls import path

from .pages import council, debate, detail, petitions, proposals, rulebook

urlpatterns = [
    path("clusters/<slug:slug>/council/", council.council, name="council"),
    path("clusters/<slug:slug>/council/seats/", council.council_bootstrap, name="council-bootstrap"),
    path("clusters/<slug:slug>/council/seats/<int:seat_id>/resign/", council.seat_resign, name="seat-resign"),
    path("clusters/<slug:slug>/proposals/", proposals.proposal_list, name="proposal-list"),
    path("clusters/<slug:slug>/proposals/new/", proposals.proposal_create, name="proposal-create"),
    path("clusters/<slug:slug>/petitions/new/", petitions.petition_create, name="petition-create"),
    path("clusters/<slug:slug>/proposals/<int:pk>/", detail.proposal_detail, name="proposal-detail"),
    path("clusters/<slug:slug>/proposals/<int:pk>/amend/", proposals.proposal_amend, name="proposal-amend"),
    path("clusters/<slug:slug>/proposals/<int:pk>/submit/", proposals.proposal_submit, name="proposal-submit"),
    path(
        "clusters/<slug:slug>/proposals/<int:pk>/open-voting/",
        proposals.proposal_open_voting,
        name="proposal-open-voting",
    ),
    path("clusters/<slug:slug>/proposals/<int:pk>/cosign/", petitions.proposal_cosign, name="proposal-cosign"),
    path("clusters/<slug:slug>/proposals/<int:pk>/withdraw/", proposals.proposal_withdraw, name="proposal-withdraw"),
    path("clusters/<slug:slug>/proposals/<int:pk>/comments/", debate.proposal_comment, name="proposal-comment"),
    path("clusters/<slug:slug>/proposals/<int:pk>/vote/", debate.proposal_vote, name="proposal-vote"),
    path("clusters/<slug:slug>/proposals/<int:pk>/progress/", detail.proposal_progress, name="proposal-progress"),
    path("clusters/<slug:slug>/rules/", rulebook.rulebook, name="rulebook"),
]
