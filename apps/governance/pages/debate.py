"""The debate and the vote on a proposal's page: members and the council comment, seat holders vote."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError, NotFoundError, PermissionDeniedError
from apps.tenancy.pages import COUNCIL, MEMBER, POST, cluster_page, refused

from .. import selectors
from ..forms import CommentForm, VoteForm
from ..services import proposals as proposal_services
from ..services import voting as voting_services
from .base import READERS, READERS_REFUSAL, back, proposal_get
from .detail import render_detail


@cluster_page(
    MEMBER, COUNCIL, methods=POST, refusal=gettext_lazy("Only the cluster's members and council members may comment.")
)
def proposal_comment(request, slug, pk):
    cluster = request.cluster_access.cluster
    proposal = proposal_get(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            proposal_services.comment_add(
                actor=request.user, cluster=cluster, proposal_id=proposal.pk, body=form.cleaned_data["body"]
            )
        except (DomainError, ValidationError) as exc:
            if isinstance(exc, DomainError) and exc.field == "body":
                form.add_error("body", str(exc.message))
            else:
                refused(request, exc)
                return back(request, proposal)
        else:
            messages.success(request, _("Your comment is posted."))
            return redirect(reverse("proposal-detail", args=[cluster.slug, proposal.pk]) + "#comments")
    return render_detail(request, proposal, comment_form=form)


@cluster_page(*READERS, methods=POST, refusal=READERS_REFUSAL)
def proposal_vote(request, slug, pk):
    cluster = request.cluster_access.cluster
    proposal = proposal_get(request, pk)
    seats = selectors.voting_seats(proposal=proposal, seats=selectors.seats_of(user=request.user, cluster=cluster))
    form = VoteForm(request.POST, seats=seats)
    if form.is_valid():
        try:
            vote = voting_services.vote_cast(
                actor=request.user,
                cluster=cluster,
                proposal_id=proposal.pk,
                choice=form.cleaned_data["choice"],
                reason=form.cleaned_data["reason"],
                seat_id=form.cleaned_data.get("seat"),
            )
        except (DomainError, ValidationError) as exc:
            on_a_field = isinstance(exc, DomainError) and exc.field in form.fields
            if on_a_field and not isinstance(exc, PermissionDeniedError | NotFoundError):
                form.add_error(exc.field, str(exc.message))
                return render_detail(request, proposal, vote_form=form)
            refused(request, exc)
            return back(request, proposal)
        messages.success(request, _("Your vote is recorded: %(choice)s.") % {"choice": vote.get_choice_display()})
        return back(request, proposal)
    return render_detail(request, proposal, vote_form=form)
