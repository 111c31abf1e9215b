"""Proposals: the list, drafting and amending, and the author's buttons (submit for deliberation,
open the vote, withdraw)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import ConflictError, DomainError
from apps.core.forms import PageQuery, query_string
from apps.tenancy.pages import COUNCIL, GET_POST, POST, cluster_page, refused
from apps.tenancy.rules import rules_in_force

from .. import lifecycle, selectors
from ..filters import ProposalListFilter
from ..forms import OpenVotingForm, ProposalForm
from ..models import Proposal
from ..services import proposals as proposal_services
from .base import READERS, READERS_REFUSAL, back, form_page, proposal_get, proposal_terms
from .detail import render_detail

PAGE_SIZE = 25


@cluster_page(*READERS, refusal=READERS_REFUSAL)
def proposal_list(request, slug):
    access = request.cluster_access
    filters = ProposalListFilter(request.GET, queryset=selectors.proposals(cluster=access.cluster, user=request.user))
    query = PageQuery(request.GET)
    page = query.page_of(selectors.in_list_order(filters.qs), PAGE_SIZE)
    for proposal in page.object_list:
        proposal.window_open = proposal.voting_is_open
        proposal.counted = bool(lifecycle.published_result(proposal))
    return render(
        request,
        "governance/proposal_list.html",
        access.context(
            page=page,
            status=filters.chosen("status"),
            tabs=filters.tabs,
            kind=filters.chosen("kind"),
            kinds=Proposal.Kind.choices,
            paging_query=query_string(filters.form, query),
            can_propose=access.is_council,
            can_petition=access.is_member
            and bool(rules_in_force(access.cluster)["governance.petition_cosigners"])
            and bool(selectors.enterprises_acted_for(user=request.user, cluster=access.cluster)),
        ),
    )


def preselected_kind(request) -> str | None:
    """``?kind=``: the type of proposal the form opens with (none if it is no type)."""
    return PageQuery(request.GET, kind=(Proposal.Kind.values, None)).value("kind")


@cluster_page(
    COUNCIL, methods=GET_POST, refusal=gettext_lazy("Only council members with a current seat may draft proposals.")
)
def proposal_create(request, slug):
    cluster = request.cluster_access.cluster
    form = ProposalForm(
        request.POST if request.method == "POST" else None,
        values=rules_in_force(cluster),
        kind=preselected_kind(request),
        **proposal_terms(cluster),
    )
    if form.is_bound and form.is_valid():
        try:
            proposal = proposal_services.proposal_draft(actor=request.user, cluster=cluster, **form.service_kwargs())
        except (DomainError, ValidationError) as exc:
            form.add_refusal(exc)
        else:
            messages.success(
                request,
                _("“%(title)s” is saved as a draft. Submit it to open the deliberation.") % {"title": proposal.title},
            )
            return redirect("proposal-detail", cluster.slug, proposal.pk)
    return form_page(request, form)


@cluster_page(*READERS, methods=GET_POST, refusal=READERS_REFUSAL)
def proposal_amend(request, slug, pk):
    cluster = request.cluster_access.cluster
    proposal = proposal_get(request, pk)
    try:
        lifecycle.check_amend(proposal, request.user)  # the author's page: a 403 for anyone else
    except ConflictError:
        messages.error(request, _("A proposal can be amended only before the vote."))
        return back(request, proposal)
    form = ProposalForm(
        request.POST if request.method == "POST" else None, values=rules_in_force(cluster), proposal=proposal
    )
    if form.is_bound and form.is_valid():
        try:
            amended = proposal_services.proposal_amend(
                actor=request.user, cluster=cluster, proposal_id=proposal.pk, **form.service_kwargs()
            )
        except (DomainError, ValidationError) as exc:
            form.add_refusal(exc)
        else:
            messages.success(request, _("Revision %(number)d is saved.") % {"number": amended.revision})
            return back(request, proposal)
    return form_page(request, form, proposal=proposal)


def _author_button(request, pk, action, done: str):
    """One of the author's buttons: ``action`` (a service) on the proposal, then back to its page
    with ``done`` or with the refusal."""
    proposal = proposal_get(request, pk)
    try:
        action(actor=request.user, cluster=request.cluster_access.cluster, proposal_id=proposal.pk)
    except (DomainError, ValidationError) as exc:
        refused(request, exc)
    else:
        messages.success(request, done)
    return back(request, proposal)


@cluster_page(*READERS, methods=POST, refusal=READERS_REFUSAL)
def proposal_submit(request, slug, pk):
    return _author_button(
        request,
        pk,
        proposal_services.proposal_submit,
        _("The proposal is open for deliberation: members may now read and comment."),
    )


@cluster_page(*READERS, methods=POST, refusal=READERS_REFUSAL)
def proposal_open_voting(request, slug, pk):
    proposal = proposal_get(request, pk)
    form = OpenVotingForm(request.POST)
    if form.is_valid():
        try:
            opened = proposal_services.proposal_open_voting(
                actor=request.user,
                cluster=request.cluster_access.cluster,
                proposal_id=proposal.pk,
                closes_at=form.cleaned_data["closes_at"],
            )
        except (DomainError, ValidationError) as exc:
            if isinstance(exc, DomainError) and exc.field == "closes_at":
                form.add_error("closes_at", str(exc.message))
            else:
                refused(request, exc)
                return back(request, proposal)
        else:
            messages.success(
                request,
                _("Voting is open until %(time)s.")
                % {"time": timezone.localtime(opened.voting_closes_at).strftime("%Y-%m-%d %H:%M")},
            )
            return back(request, proposal)
    return render_detail(request, proposal, open_form=form)


@cluster_page(*READERS, methods=POST, refusal=READERS_REFUSAL)
def proposal_withdraw(request, slug, pk):
    return _author_button(request, pk, proposal_services.proposal_withdraw, _("The proposal is withdrawn."))
