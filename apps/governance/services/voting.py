"""The vote: ballots cast by seat holders inside the window, the tally by the charter in force
when the window closed, and the enactment of a passed proposal (a rulebook version, a seat, a
sanction). Every vote, tally and enactment is also appended to the cluster's hash chain."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.notifications.services import notify_users
from apps.tenancy.rules import rules_in_force

from .. import lifecycle, selectors
from ..chain import chain_append
from ..chained import vote_chain_payload
from ..models import Proposal, Vote
from ..proposal_types import provided
from .council import administers, seat_enact
from .rules import rulebook_enact

P = Proposal.Status


@transaction.atomic
def vote_cast(*, actor, cluster, proposal_id: int, choice: str, reason: str = "", seat_id: int | None = None) -> Vote:
    """One vote per seat, inside the window, by a holder whose term covers the moment."""
    proposal = Proposal.objects.select_for_update().filter(cluster=cluster, pk=proposal_id).first()
    if proposal is None:
        raise NotFoundError()
    now = timezone.now()
    lifecycle.check_voting_open(proposal)
    if choice not in Vote.Choice.values:
        raise DomainError(_("Vote yes, no or abstain."), field="choice")
    if administers(user=actor, cluster=cluster):
        raise PermissionDeniedError(
            _("An administrator of the cluster cannot vote on the council."), code="administrator_conflict"
        )
    held = selectors.seats_of(user=actor, cluster=cluster, at=now)
    seats = selectors.voting_seats(proposal=proposal, seats=held)
    if seat_id is not None:
        seats = [s for s in seats if s.pk == seat_id]
    if not seats:
        if held and not selectors.voting_seats(proposal=proposal, seats=held):
            raise PermissionDeniedError(
                _("Your seat was not part of the council when this vote opened: it does not vote on it."),
                code="seat_not_in_electorate",
            )
        raise PermissionDeniedError(_("Only holders of a seat whose term covers the vote may vote."))
    seat = seats[0]
    existing = Vote.objects.select_for_update().filter(proposal=proposal, seat=seat).first()
    if existing is not None:
        if not rules_in_force(cluster)["governance.votes_changeable"]:
            raise ConflictError(_("This seat has already voted, and votes cannot be changed."), code="already_voted")
        existing.choice, existing.reason = choice, reason
        existing.save(update_fields=["choice", "reason", "updated_at"])
        vote = existing
    else:
        try:
            with transaction.atomic():
                vote = Vote.objects.create(proposal=proposal, seat=seat, voter=actor, choice=choice, reason=reason)
        except IntegrityError:
            raise ConflictError(_("This seat has already voted."), code="already_voted") from None
    chain_append(cluster=cluster, kind="vote", payload=vote_chain_payload(vote, at=now))
    return vote


def tally(proposal: Proposal, rules: dict) -> dict:
    """The exact counts and the decision, by the charter in force when the window closed."""
    if proposal.electorate is not None:  # the seats as they stood when the vote opened
        eligible = list(selectors.electorate_seats(proposal=proposal))
    else:  # a vote opened before electorates were recorded: the seats when it closed
        closes = proposal.voting_closes_at
        eligible = list(
            selectors.eligible_seats(cluster=proposal.cluster, at=closes - datetime.timedelta(microseconds=1))
        )
    eligible_ids = {s.pk for s in eligible}
    votes = [v for v in proposal.votes.all() if v.seat_id in eligible_ids]
    counts = {choice: sum(1 for v in votes if v.choice == choice) for choice in Vote.Choice.values}
    cast = len(votes)
    quorum_needed = rules["governance.quorum"]
    quorum_met = bool(eligible) and cast / len(eligible) >= quorum_needed
    chambers = {}
    if rules["governance.per_chamber_quorum"]:
        for chamber in {s.chamber for s in eligible}:
            members = [s.pk for s in eligible if s.chamber == chamber]
            voted = sum(1 for v in votes if v.seat_id in members)
            chambers[chamber] = {"seats": len(members), "voted": voted, "met": voted / len(members) >= quorum_needed}
        quorum_met = quorum_met and all(c["met"] for c in chambers.values())
    if lifecycle.decided_by_all_seats(proposal):  # the charter's majority of all seats
        threshold, basis = rules["governance.charter_threshold"], "seats"
    else:
        threshold, basis = rules["governance.majority_threshold"], "votes_cast"
    approved, _share = lifecycle.approval(
        basis=basis, threshold=threshold, seats=len(eligible), yes=counts["yes"], no=counts["no"]
    )
    return {
        "seats": len(eligible),
        "cast": cast,
        **counts,
        "quorum": quorum_needed,
        "quorum_met": quorum_met,
        "chambers": chambers,
        "threshold": threshold,
        "threshold_basis": basis,
        "passed": bool(quorum_met and approved),
    }


def _enact(proposal: Proposal, now) -> bool:
    """Apply a passed proposal; False when it can no longer be applied (it stays passed)."""
    if proposal.kind == Proposal.Kind.COUNCIL_SEAT:
        return seat_enact(proposal, now)
    if (external := provided(proposal.kind)) is not None:
        return external.enact(proposal, now)
    if proposal.kind in (Proposal.Kind.RULE_CHANGE, Proposal.Kind.CHARTER_CHANGE):
        rulebook_enact(proposal)
    elif proposal.kind == Proposal.Kind.SANCTION:
        from apps.membership.services.memberships import membership_decide_by_council

        membership_decide_by_council(
            cluster=proposal.cluster,
            membership_id=proposal.sanction_membership_id,
            action=proposal.sanction_action,
            params={"title": proposal.title, "proposal": proposal.pk},
        )
    return True


@transaction.atomic
def proposal_close(*, proposal_id: int, now=None) -> Proposal | None:
    """Tally a proposal whose window has closed, record the result, enact it if passed.

    Idempotent: a proposal already tallied (or enacted) is returned unchanged. ``now`` decides which
    window is due; what is recorded (the tally's and the enactment's time) is never a moment still to
    come, so a page that says "tallied" or "enacted" names a date in the past.
    """
    due = now or timezone.now()
    now = min(due, timezone.now())
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("cluster").filter(pk=proposal_id).first()
    if proposal is None or proposal.status != P.VOTING or proposal.voting_closes_at > due:
        return proposal
    rules = rules_in_force(proposal.cluster, at=proposal.voting_closes_at)  # the charter when the vote closed
    result = tally(proposal, rules)
    proposal.result = result
    proposal.tallied_at = now
    proposal.status = P.PASSED if result["passed"] else P.REJECTED
    proposal.save(update_fields=["result", "tallied_at", "status", "updated_at"])
    chain_append(cluster=proposal.cluster, kind="proposal.tally", payload={"proposal": proposal.pk, **result})
    if proposal.status == P.PASSED and _enact(proposal, now):
        proposal.status = P.ENACTED
        proposal.enacted_at = now
        proposal.save(update_fields=["status", "enacted_at", "updated_at"])
        chain_append(cluster=proposal.cluster, kind="proposal.enacted", payload={"proposal": proposal.pk})
    if proposal.status == P.REJECTED and (external := provided(proposal.kind)) and external.rejected:
        external.rejected(proposal)
    _notify_decided(proposal, result)
    return proposal


def _notify_decided(proposal: Proposal, result: dict) -> None:
    """The electorate and the author learn the outcome (once: the proposal is tallied once)."""
    users = {s.holder_id: s.holder for s in selectors.electorate_seats(proposal=proposal, current_only=False)}
    users.setdefault(proposal.author_id, proposal.author)
    notify_users(
        users=users.values(),
        kind="governance.proposal_decided",
        params={
            "proposal": proposal.pk,
            "title": proposal.title,
            "status": proposal.status,
            "yes": result.get("yes", 0),
            "no": result.get("no", 0),
            "abstain": result.get("abstain", 0),
        },
        link=reverse("proposal-detail", args=[proposal.cluster.slug, proposal.pk]),
        cluster=proposal.cluster,
    )


def proposals_close_due(*, now=None) -> int:
    now = now or timezone.now()
    ids = list(Proposal.objects.filter(status=P.VOTING, voting_closes_at__lte=now).values_list("pk", flat=True))
    for proposal_id in ids:
        proposal_close(proposal_id=proposal_id, now=now)
    return len(ids)


def proposals_remind_closing(*, now=None) -> int:
    """A day before a window closes, seat holders who have not voted are reminded (once)."""
    now = now or timezone.now()
    due = Proposal.objects.filter(
        status=P.VOTING,
        reminded_at__isnull=True,
        voting_closes_at__gt=now,
        voting_closes_at__lte=now + datetime.timedelta(days=1),
    ).select_related("cluster")
    sent = 0
    for proposal in due:
        if not Proposal.objects.filter(pk=proposal.pk, reminded_at__isnull=True).update(reminded_at=now):
            continue
        voted = set(proposal.votes.values_list("seat_id", flat=True))
        holders = {
            s.holder_id: s.holder
            for s in selectors.electorate_seats(proposal=proposal, current_only=True)
            if s.pk not in voted
        }
        notify_users(
            users=holders.values(),
            kind="governance.voting_closes_soon",
            params={"proposal": proposal.pk, "title": proposal.title},
            link=reverse("proposal-detail", args=[proposal.cluster.slug, proposal.pk]),
            cluster=proposal.cluster,
        )
        sent += 1
    return sent
