"""Pages of challenges: the cluster's challenges (filtered by the same FilterSet as the API), a
challenge's public summary, its confidential details once the terms are accepted (a button), and
the submissions the reader may see (the seeker's all, a solver's own)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.forms import PageQuery
from apps.membership.models import Enterprise
from apps.tenancy.pages import ADMINISTRATOR, AUTHENTICATED, COUNCIL, GET_POST, MEMBER, POST, cluster_page, refused

from .. import selectors
from ..filters import ChallengeFilter
from ..services import challenges as challenge_services
from .forms import AnswerForm, AwardForm, ChallengeForm, QuestionForm, form_written

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
    may_post = viewer.is_admin or bool(viewer.enterprise_ids)
    return render(
        request,
        "innovation/challenges.html",
        access.context(page=page, form=filterset.form, figures=None, may_post=may_post),
    )


PARK = "park"


@cluster_page(*PARTICIPANTS, methods=GET_POST)
def challenge_create(request, slug):
    """Post a challenge: for one of the poster's member enterprises, or (administrators) the park."""
    access, viewer = _viewer(request)
    seekers = [(str(e.pk), e.name) for e in Enterprise.objects.filter(pk__in=viewer.enterprise_ids)]
    if viewer.is_admin:
        seekers.append((PARK, _("The park")))
    if not seekers:
        raise PermissionDeniedError(_("Only a member enterprise's people or the administrators post challenges."))
    form = ChallengeForm(request.POST or None, seekers=seekers)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["seeker"]
        seeker = None if chosen == PARK else Enterprise.objects.get(pk=int(chosen))
        challenge = form_written(
            request,
            form,
            lambda: challenge_services.challenge_create(
                actor=request.user, viewer=viewer, cluster=access.cluster, seeker=seeker, **form.service_fields()
            ),
            done=_("Your challenge is posted."),
        )
        if challenge is not None:
            return redirect("challenge-page", slug, challenge.pk)
    return render(request, "innovation/challenge_form.html", access.context(form=form))


@cluster_page(*PARTICIPANTS)
def challenge_detail(request, slug, pk):
    access, viewer = _viewer(request)
    challenge = selectors.challenge_get(viewer, access.cluster, pk)
    seeker = selectors.is_seeker(challenge, viewer)
    sees_details = seeker or challenge.terms_accepted or not challenge.confidential
    solutions = list(selectors.solutions_for(viewer, challenge))
    for solution in solutions:
        solution.is_mine = selectors.is_author(solution, viewer)
    deciding = seeker and challenge.status in ("open", "evaluating")
    return render(
        request,
        "innovation/challenge_detail.html",
        access.context(
            challenge=challenge,
            is_seeker=seeker,
            sees_details=sees_details,
            solutions=solutions,
            may_accept=challenge.status == "open" and not seeker and not challenge.terms_accepted,
            may_submit=challenge.status == "open" and not seeker and sees_details,
            deciding=deciding,
            question_form=QuestionForm() if deciding else None,
            answer_form=AnswerForm(),
            award_form=AwardForm(solutions=solutions) if deciding and solutions else None,
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


@cluster_page(*PARTICIPANTS)
def partner_challenge(request, slug, entry):
    """A partner cluster's challenge found by the search: its public summary, and where it is posted."""
    access, _viewer_of = _viewer(request)
    found = selectors.partner_challenge_entry(access.cluster, entry)
    if found is None:
        raise Http404
    return render(request, "innovation/partner_challenge.html", access.context(entry=found))
