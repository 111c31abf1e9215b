"""Pages of challenges: the cluster's challenges (filtered by the same FilterSet as the API), a
challenge's public summary, its confidential details once the terms are accepted (a button), and
the submissions the reader may see (the seeker's all, a solver's own)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.forms import PageQuery
from apps.tenancy.pages import ADMINISTRATOR, AUTHENTICATED, COUNCIL, MEMBER, POST, cluster_page, refused

from .. import selectors
from ..filters import ChallengeFilter
from ..services import challenges as challenge_services

PAGE_SIZE = 25
PARTICIPANTS = (ADMINISTRATOR, MEMBER, COUNCIL, AUTHENTICATED)


def _viewer(request):
    access = request.cluster_access
    viewer = selectors.viewer_of(access, access.cluster, user=request.user, roles=access.roles)
    if not viewer.participates:
        raise Http404
    return access, viewer


@cluster_page(*PARTICIPANTS)
def challenge_list(request, slug):
    access, viewer = _viewer(request)
    challenges = selectors.challenges_for(viewer, access.cluster)
    filterset = ChallengeFilter(request.GET, queryset=challenges)
    rows = filterset.qs if filterset.is_valid() else challenges
    page = PageQuery(request.GET).page_of(rows, PAGE_SIZE)
    return render(request, "innovation/challenges.html", access.context(page=page, form=filterset.form, figures=None))


@cluster_page(*PARTICIPANTS)
def challenge_detail(request, slug, pk):
    access, viewer = _viewer(request)
    challenge = selectors.challenge_get(viewer, access.cluster, pk)
    seeker = selectors.is_seeker(challenge, viewer)
    sees_details = seeker or challenge.terms_accepted or not challenge.confidential
    solutions = list(selectors.solutions_for(viewer, challenge))
    return render(
        request,
        "innovation/challenge_detail.html",
        access.context(
            challenge=challenge,
            is_seeker=seeker,
            sees_details=sees_details,
            solutions=solutions,
            may_accept=challenge.status == "open" and not seeker and not challenge.terms_accepted,
        ),
    )


@cluster_page(*PARTICIPANTS, methods=POST)
def challenge_accept_terms(request, slug, pk):
    access, viewer = _viewer(request)
    challenge = selectors.challenge_get(viewer, access.cluster, pk)
    try:
        challenge_services.terms_accept(actor=request.user, viewer=viewer, challenge=challenge)
        messages.success(request, _("You accepted the terms: the details are shown below."))
    except DomainError as error:
        refused(request, error)
    return redirect("challenge-page", slug, pk)
