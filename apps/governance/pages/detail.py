"""A proposal's page: its text and rule changes against the rulebook, its amendments, the debate,
the petition's co-signers, the caller's vote box, and the result once the vote is tallied."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.forms import PageQuery, query_string
from apps.tenancy.pages import cluster_page
from apps.tenancy.rules import REGISTRY, defaults, rules_in_force

from .. import lifecycle, selectors
from ..forms import CHANGE_KINDS, CommentForm, CosignForm, OpenVotingForm, VoteForm, value_text
from ..models import Proposal, Seat
from .base import READERS, READERS_REFUSAL, parameter, percent, proposal_get

COMMENT_PAGE_SIZE = 50
P = Proposal.Status


def _diff(proposal: Proposal, in_force: dict) -> dict | None:
    """Each proposed parameter against the rulebook in force — or, once enacted, against the version before."""
    if proposal.kind not in CHANGE_KINDS:
        return None
    before, version, enacted = in_force, None, False
    if proposal.status == P.ENACTED:
        version = selectors.rule_version_enacted_by(proposal=proposal)
        if version is not None:
            enacted = True
            previous = selectors.rule_version_before(cluster=proposal.cluster_id, number=version.number)
            before = {**defaults(), **(previous.values if previous else {})}
    rows = []
    for key, value in (proposal.changes or {}).items():
        rule = REGISTRY.get(key)
        current = before.get(key, rule.default if rule else None)
        rows.append(
            {
                **parameter(key),
                "current": value_text(key, current),
                "proposed": value_text(key, value),
                "changed": current != value,
            }
        )
    return {
        "rows": rows,
        "enacted": enacted,
        "version": version,
        "scheduled": bool(version and version.effective_at > timezone.now()),
    }


def threshold_rule(*, basis: str, threshold) -> str:
    """The charter's approval threshold in words (the same on the open vote and on its result)."""
    if basis == "seats":
        return _("yes from at least %(share)s of all seats") % {"share": percent(threshold)}
    return _("yes from more than %(share)s of the yes and no votes") % {"share": percent(threshold)}


def _chamber_label(name: str) -> str:
    return Seat.Chamber(name).label if name in Seat.Chamber.values else name


def vote_progress(proposal: Proposal) -> dict | None:
    """The open vote's turnout and quorum progress as the page shows it (``selectors.vote_progress``)."""
    progress = selectors.vote_progress(proposal=proposal)
    if progress is None:
        return None
    return {
        **progress,
        "turnout": percent(progress["turnout"]),
        "quorum": percent(progress["quorum"]),
        "threshold": threshold_rule(basis=progress["threshold_basis"], threshold=progress["threshold"]),
        "chambers": [
            {"label": _chamber_label(name), **counts} for name, counts in sorted(progress["chambers"].items())
        ],
    }


def _result(proposal: Proposal) -> dict | None:
    """The tally as the page shows it (only once tallied: never while the vote is open)."""
    r = lifecycle.published_result(proposal)
    if not r:
        return None
    seats, yes, no = r.get("seats", 0), r.get("yes", 0), r.get("no", 0)
    quorum, threshold = r.get("quorum", 0), r.get("threshold", 0)
    basis = "seats" if r.get("threshold_basis") == "seats" else "votes_cast"
    approved, yes_share = lifecycle.approval(basis=basis, threshold=threshold, seats=seats, yes=yes, no=no)
    explained = threshold_rule(basis=basis, threshold=threshold)
    if basis == "seats":
        yes_of = _("%(yes)d of %(total)d seats") % {"yes": yes, "total": seats}
    else:
        yes_of = _("%(yes)d of %(total)d yes and no votes") % {"yes": yes, "total": yes + no}
    chambers = [
        {
            "label": _chamber_label(name),
            "seats": c.get("seats", 0),
            "voted": c.get("voted", 0),
            "met": c.get("met", False),
        }
        for name, c in sorted((r.get("chambers") or {}).items())
    ]
    return {
        "passed": r.get("passed", False),
        "seats": seats,
        "cast": r.get("cast", 0),
        "yes": yes,
        "no": no,
        "abstain": r.get("abstain", 0),
        "quorum": percent(quorum),
        "quorum_seats": lifecycle.seats_needed(quorum, seats),
        "quorum_met": r.get("quorum_met", False),
        "threshold": percent(threshold),
        "basis": explained,
        "approved": approved,
        "yes_share": percent(yes_share),
        "yes_of": yes_of,
        "chambers": chambers,
    }


def _petition(request, proposal: Proposal, needed: int) -> dict | None:
    """A petition collecting co-signers: who signed, how many are needed, and the caller's co-sign form."""
    if proposal.status != P.PETITION:
        return None
    access = request.cluster_access
    signatures = list(selectors.signatures(proposal=proposal))
    signed = {s.enterprise_id for s in signatures}
    mine = selectors.enterprises_acted_for(user=request.user, cluster=access.cluster) if access.is_member else []
    eligible = [e for e in mine if lifecycle.can_cosign(proposal, e, signed=signed)]
    return {
        "signatures": signatures,
        "count": len(signatures),
        "needed": needed,
        "missing": max(needed - len(signatures), 0),
        "signed_for": [e for e in mine if e.pk in signed],
        "is_petitioner": any(e.pk == proposal.petitioner_id for e in mine),
        "cosign_form": CosignForm(enterprises=eligible) if eligible else None,
        "cosign_for": eligible[0] if len(eligible) == 1 else None,
    }


def render_detail(request, proposal: Proposal, *, vote_form=None, comment_form=None, open_form=None):
    access = request.cluster_access
    user, cluster, now = request.user, access.cluster, timezone.now()
    values = rules_in_force(cluster)
    window_open = proposal.voting_is_open

    # The vote box: the caller's seats and their votes while the window is open.
    held = selectors.seats_of(user=user, cluster=cluster) if window_open else []
    my_seats = selectors.voting_seats(proposal=proposal, seats=held)
    my_votes = selectors.votes_of_seats(proposal=proposal, seats=my_seats)
    changeable = bool(values["governance.votes_changeable"])
    can_vote = lifecycle.can_vote(proposal, seats=my_seats, votes=my_votes, changeable=changeable)
    if can_vote and vote_form is None:
        mine = my_votes[0] if my_votes and len(my_seats) == 1 else None
        vote_form = VoteForm(seats=my_seats, initial={"choice": mine.choice, "reason": mine.reason} if mine else None)

    can_comment = lifecycle.can_comment(proposal, access.roles)
    query = PageQuery(request.GET)
    comments = query.page_of(selectors.comments(proposal=proposal), COMMENT_PAGE_SIZE)
    result = _result(proposal)
    roll_call = selectors.roll_call(proposal=proposal) if result else []
    can_open = lifecycle.can_open_voting(proposal, user, is_admin=access.is_admin)
    can_amend = lifecycle.can_amend(proposal, user)
    can_submit = lifecycle.can_submit(proposal, user)
    can_withdraw = lifecycle.can_withdraw(proposal, user)
    petition = _petition(request, proposal, values["governance.petition_cosigners"])
    revisions = list(proposal.revisions.all())
    for revision in revisions:
        revision.change_list = [(parameter(k)["name"], value_text(k, v)) for k, v in (revision.changes or {}).items()]
    return render(
        request,
        "governance/proposal_detail.html",
        access.context(
            proposal=proposal,
            is_author=proposal.author_id == user.pk,
            diff=_diff(proposal, values),
            revisions=revisions,
            comments=comments,
            comment_form=(comment_form or CommentForm()) if can_comment else None,
            window_open=window_open,
            progress=vote_progress(proposal) if window_open else None,
            window_pending=proposal.status == P.VOTING and proposal.voting_opens_at and proposal.voting_opens_at > now,
            counting=proposal.status == P.VOTING and proposal.voting_closes_at and proposal.voting_closes_at <= now,
            my_votes=my_votes,
            votes_changeable=changeable,
            vote_form=vote_form if can_vote else None,
            result=result,
            roll_call=roll_call,
            can_amend=can_amend,
            can_submit=can_submit,
            open_form=(open_form or OpenVotingForm()) if can_open else None,
            can_withdraw=can_withdraw,
            petition=petition,
            has_panel=bool(
                proposal.status == P.VOTING or petition or can_amend or can_submit or can_open or can_withdraw
            ),
            default_hours=values["governance.voting_hours"],
            paging_query=query_string(query),
        ),
    )


@cluster_page(*READERS, refusal=READERS_REFUSAL)
def proposal_detail(request, slug, pk):
    return render_detail(request, proposal_get(request, pk))


@cluster_page(*READERS, refusal=READERS_REFUSAL)
def proposal_progress(request, slug, pk):
    """The open vote's turnout and quorum progress: the fragment the proposal's page polls (no reload)."""
    proposal = selectors.proposal_visible(cluster=request.cluster_access.cluster, user=request.user, pk=pk)
    if proposal is None:
        raise Http404
    return render(request, "governance/includes/vote_progress.html", {"progress": vote_progress(proposal)})
