"""Proposals by seat holders, from draft to the vote: what a proposal may carry (rule changes,
a sanction, a council seat), drafting, amending, submitting for deliberation, opening the vote,
withdrawing, and members' comments. The state checks are ``lifecycle``'s."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.dates import format_utc
from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.membership.models import Membership
from apps.membership.permissions import is_cluster_administrator
from apps.notifications.services import notify_users
from apps.tenancy.models import ClusterRole
from apps.tenancy.rules import rules_in_force
from apps.tenancy.selectors import cluster_roles_for

from .. import lifecycle, selectors
from ..chain import chain_append
from ..models import SEAT_FIELDS, Comment, Proposal, ProposalRevision, Seat
from ..proposal_types import provided as provided_type
from .council import administers, check_seat_terms
from .rules import validate_changes, voting_window_bounds

P = Proposal.Status


def _author_seat(*, user, cluster) -> Seat:
    seats = selectors.seats_of(user=user, cluster=cluster)
    if not seats:
        raise PermissionDeniedError(_("Only council members with a current seat may do this."))
    if administers(user=user, cluster=cluster):
        raise PermissionDeniedError(
            _("An administrator of the cluster cannot act as a council member."), code="administrator_conflict"
        )
    return seats[0]


def _seat_fields(given: dict) -> dict:
    unknown = set(given) - set(SEAT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected keyword arguments: {sorted(unknown)}")
    return given


def _validate_seat(*, cluster, kind, author_seat=None, petition=False, **given) -> dict:
    """The model fields of a council-seat proposal (blank for other kinds); errors name ``seat_*``.

    Removing a seat may be proposed by any seat holder or petitioned by members. Filling one
    follows the chamber's rule in the charter (``governance.seats.<chamber>``): ``election`` —
    only a member enterprise's petition puts the candidate forward; ``nomination`` — a holder of
    a seat in that chamber does (any holder while the chamber has none); ``appointment`` — any
    seat holder does. The council's vote decides in every case.
    """
    blank = {"seat_action": "", "seat": None, "seat_holder": None, "seat_chamber": ""}
    blank.update(seat_enterprise=None, seat_term_start=None, seat_term_end=None)
    if kind != Proposal.Kind.COUNCIL_SEAT:
        return blank
    action = given.get("seat_action") or ""
    if action == Proposal.SeatAction.REMOVE:
        seat_id = given.get("seat")
        seat = Seat.objects.filter(cluster=cluster, pk=seat_id, removed_at__isnull=True).first() if seat_id else None
        if seat is None or seat.term_end <= timezone.now():
            raise DomainError(_("Choose a seat of the council that has not ended."), field="seat")
        return {**blank, "seat_action": action, "seat": seat}
    if action != Proposal.SeatAction.FILL:
        raise DomainError(_("Choose whether to fill a seat or remove one."), field="seat_action")
    terms = {
        "holder": given.get("seat_holder"),
        "chamber": given.get("seat_chamber") or "",
        "enterprise": given.get("seat_enterprise"),
        "term_start": given.get("seat_term_start"),
        "term_end": given.get("seat_term_end"),
    }
    check_seat_terms(cluster=cluster, prefix="seat_", **terms)
    filled_by = rules_in_force(cluster)[f"governance.seats.{terms['chamber']}"]
    if filled_by == "election" and not petition:
        raise DomainError(
            _(
                "The charter fills this chamber's seats by election: a member enterprise's petition puts the candidate forward."
            ),
            field="seat_chamber",
            code="filled_by_election",
        )
    if filled_by != "election" and petition:
        raise DomainError(
            _(
                "The charter fills this chamber's seats by the council's own nomination or appointment, not by petition."
            ),
            field="seat_chamber",
            code="filled_by_council",
        )
    if filled_by == "nomination":
        chamber_seats = selectors.seats(cluster=cluster, current_only=True).filter(chamber=terms["chamber"])
        if chamber_seats.exists() and not chamber_seats.filter(holder_id=author_seat.holder_id).exists():
            raise DomainError(
                _(
                    "The charter fills this chamber's seats by nomination: a holder of a seat in it puts the candidate forward."
                ),
                field="seat_chamber",
                code="filled_by_nomination",
            )
    return {**blank, **{f"seat_{name}": value for name, value in terms.items()}, "seat_action": action}


def _validate_sanction(*, cluster, kind, membership_id, action):
    if kind != Proposal.Kind.SANCTION:
        return None, ""
    membership = Membership.objects.filter(cluster=cluster, pk=membership_id).first() if membership_id else None
    if membership is None:
        raise DomainError(_("Choose the membership the sanction is about."), field="sanction_membership")
    if action not in Proposal.SanctionAction.values:
        raise DomainError(_("Choose suspend or reinstate."), field="sanction_action")
    return membership, action


def _check_author_limit(*, actor, cluster) -> None:
    limit = rules_in_force(cluster)["governance.open_proposals_per_author"]
    if Proposal.objects.filter(cluster=cluster, author=actor, status__in=lifecycle.OPEN).count() >= limit:
        raise ConflictError(
            _("You already have %(count)d open proposals, the charter's limit.") % {"count": limit},
            code="limit_reached",
        )


def new_proposal(
    *,
    actor,
    cluster,
    kind: str,
    title: str,
    body: str,
    changes=None,
    sanction_membership=None,
    sanction_action: str = "",
    effective_at=None,
    author_seat=None,
    petitioner=None,
    provided: bool = False,
    **seat_fields,
) -> Proposal:
    """A new proposal with its first revision, once its terms are checked: a seat holder's draft
    (``author_seat``) or a member enterprise's petition (``petitioner``)."""
    _check_author_limit(actor=actor, cluster=cluster)
    if kind not in Proposal.Kind.values:
        raise DomainError(_("Unknown proposal type."), field="kind")
    if (provided_type(kind) is not None) != provided:  # its terms are the providing app's: drafted there only
        raise DomainError(_("A proposal of this type is drafted from its own page."), field="kind")
    cleaned = validate_changes(kind=kind, changes=changes or {}, cluster=cluster)
    membership, action = _validate_sanction(
        cluster=cluster, kind=kind, membership_id=sanction_membership, action=sanction_action
    )
    seat_terms = _validate_seat(
        cluster=cluster,
        kind=kind,
        author_seat=author_seat,
        petition=petitioner is not None,
        **_seat_fields(seat_fields),
    )
    proposal = Proposal(
        cluster=cluster,
        kind=kind,
        title=title,
        body=body,
        changes=cleaned,
        sanction_membership=membership,
        sanction_action=action,
        **seat_terms,
        author=actor,
        author_seat=author_seat,
        petitioner=petitioner,
        status=P.PETITION if petitioner is not None else P.DRAFT,
        effective_at=effective_at,
    )
    proposal.full_clean()
    proposal.save()
    ProposalRevision.objects.create(proposal=proposal, number=1, title=title, body=body, changes=cleaned, author=actor)
    return proposal


@transaction.atomic
def proposal_draft(*, actor, cluster, **terms) -> Proposal:
    """A seat holder's draft. ``terms``: those of ``new_proposal`` (``kind``, ``title``, ``body``,
    ``changes``, ``sanction_*``, ``effective_at`` and a council-seat proposal's ``seat_*``)."""
    seat = _author_seat(user=actor, cluster=cluster)
    return new_proposal(actor=actor, cluster=cluster, author_seat=seat, **terms)


def locked(cluster, proposal_id) -> Proposal:
    proposal = Proposal.objects.select_for_update().filter(cluster=cluster, pk=proposal_id).first()
    if proposal is None:
        raise NotFoundError()
    return proposal


@transaction.atomic
def proposal_amend(*, actor, cluster, proposal_id: int, **fields) -> Proposal:
    proposal = locked(cluster, proposal_id)
    lifecycle.check_amend(proposal, actor)
    if "changes" in fields:
        fields["changes"] = validate_changes(kind=proposal.kind, changes=fields["changes"], cluster=cluster)
    for name in ("title", "body", "changes", "effective_at"):
        if name in fields:
            setattr(proposal, name, fields[name])
    proposal.revision += 1
    proposal.full_clean()
    proposal.save()
    ProposalRevision.objects.create(
        proposal=proposal,
        number=proposal.revision,
        title=proposal.title,
        body=proposal.body,
        changes=proposal.changes,
        author=actor,
    )
    return proposal


@transaction.atomic
def proposal_submit(*, actor, cluster, proposal_id: int) -> Proposal:
    """Draft → deliberation: members may now read and comment."""
    proposal = locked(cluster, proposal_id)
    lifecycle.check_submit(proposal, actor)
    proposal.status = P.DELIBERATION
    proposal.save(update_fields=["status", "updated_at"])
    return proposal


@transaction.atomic
def proposal_open_voting(*, actor, cluster, proposal_id: int, closes_at=None, opens_at=None) -> Proposal:
    """Deliberation → voting, with a window (default length from the charter)."""
    proposal = locked(cluster, proposal_id)
    lifecycle.check_open_voting(proposal, actor, is_admin=is_cluster_administrator(user=actor, cluster=cluster))
    now = timezone.now()
    opens_at = opens_at or now
    rules = rules_in_force(cluster)
    shortest, longest = voting_window_bounds(kind=proposal.kind, rules=rules)
    if closes_at is None:  # the charter's default length, within this type's bounds
        hours = min(max(rules["governance.voting_hours"], shortest), longest)
        closes_at = opens_at + datetime.timedelta(hours=hours)
    if closes_at <= opens_at or closes_at <= now:
        raise DomainError(_("The window must close in the future, after it opens."), field="closes_at")
    length = closes_at - opens_at
    if not datetime.timedelta(hours=shortest) <= length <= datetime.timedelta(hours=longest):
        raise DomainError(
            _("The charter lets a vote on a %(kind)s last from %(shortest)s to %(longest)s hours.")
            % {"kind": proposal.get_kind_display().lower(), "shortest": shortest, "longest": longest},
            field="closes_at",
            code="window_out_of_bounds",
        )
    # the electorate: the seats whose term covers the opening, as they stand now; seats filled
    # later do not vote on it, and seats that end later still count in its quorum
    administrators = ClusterRole.objects.filter(cluster=cluster, role=ClusterRole.Role.ADMINISTRATOR)
    electorate = list(
        selectors.eligible_seats(cluster=cluster, at=opens_at)
        .exclude(holder__in=administrators.values("user"))
        .values_list("pk", flat=True)
    )
    proposal.status = P.VOTING
    proposal.voting_opens_at, proposal.voting_closes_at = opens_at, closes_at
    proposal.electorate = sorted(electorate)
    proposal.save(update_fields=["status", "voting_opens_at", "voting_closes_at", "electorate", "updated_at"])
    chain_append(
        cluster=cluster,
        kind="proposal.voting_opened",
        payload={
            "proposal": proposal.pk,
            "revision": proposal.revision,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "changes": proposal.changes,
            "electorate": proposal.electorate,
        },
    )
    holders = [seat.holder for seat in selectors.electorate_seats(proposal=proposal, current_only=True)]
    notify_users(
        users={u.pk: u for u in holders}.values(),
        kind="governance.voting_opened",
        params={"proposal": proposal.pk, "title": proposal.title, "closes_at": format_utc(closes_at)},
        link=reverse("proposal-detail", args=[cluster.slug, proposal.pk]),
        cluster=cluster,
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor, cluster, proposal_id: int) -> Proposal:
    proposal = locked(cluster, proposal_id)
    lifecycle.check_withdraw(proposal, actor)
    proposal.status = P.WITHDRAWN
    proposal.save(update_fields=["status", "updated_at"])
    chain_append(cluster=cluster, kind="proposal.withdrawn", payload={"proposal": proposal.pk, "by": actor.pk})
    return proposal


@transaction.atomic
def comment_add(*, actor, cluster, proposal_id: int, body: str) -> Comment:
    proposal = Proposal.objects.filter(cluster=cluster, pk=proposal_id).exclude(status=P.DRAFT).first()
    if proposal is None:
        raise NotFoundError()
    lifecycle.check_commentable(proposal)
    if not body.strip():
        raise DomainError(_("Write something."), field="body")
    lifecycle.check_commenter(cluster_roles_for(user=actor, cluster=cluster))
    return Comment.objects.create(proposal=proposal, author=actor, body=body)
