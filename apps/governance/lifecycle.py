"""A proposal's lifecycle: its states, which action moves it where, and the checks beside them.

    draft ──submit──▶ deliberation ──open voting──▶ voting ──close──▶ passed ──enact──▶ enacted
                           ▲                          │      └──▶ rejected
    petition ──co-signed──┘                           │
    draft / deliberation / voting (window not closed) ──withdraw──▶ withdrawn

Each action has a ``check_*`` that raises the refusal (``PermissionDeniedError`` for the wrong
person, ``ConflictError`` for the wrong state), called by the services before they write, and a
``can_*`` that answers the same question with a bool, for the pages' buttons. The decision of a
vote (``approval``) is here too: the tally records it and the pages explain it with it.
"""

import math

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.tenancy.selectors import COUNCIL, MEMBER

from .models import Proposal

P = Proposal.Status

#: a proposal that still counts against its author's limit of open proposals
OPEN = (P.DRAFT, P.PETITION, P.DELIBERATION, P.VOTING)
#: a proposal that may still be amended (before the vote)
AMENDABLE = (P.DRAFT, P.DELIBERATION)
#: a proposal members read and comment on
DEBATED = (P.DELIBERATION, P.VOTING)
#: a proposal whose vote has been decided
DECIDED = (P.PASSED, P.REJECTED, P.ENACTED, P.EXPIRED)
#: a proposal its author may still withdraw (a vote only until its window closes)
WITHDRAWABLE = (P.DRAFT, P.DELIBERATION, P.VOTING)


def illegal(proposal: Proposal, action) -> ConflictError:
    return ConflictError(
        _("A proposal that is %(status)s cannot be %(action)s.")
        % {"status": proposal.get_status_display().lower(), "action": action},
        code="illegal_transition",
    )


def _passes(check, *args, **kwargs) -> bool:
    try:
        check(*args, **kwargs)
    except DomainError:
        return False
    return True


def _author(proposal: Proposal, user) -> bool:
    return user is not None and proposal.author_id == user.pk


# --- The author's actions -------------------------------------------------------------------------


def check_amend(proposal: Proposal, user) -> None:
    if not _author(proposal, user):
        raise PermissionDeniedError(_("Only the author may amend a proposal."))
    if proposal.status not in AMENDABLE:
        raise illegal(proposal, _("amended"))


def can_amend(proposal: Proposal, user) -> bool:
    return _passes(check_amend, proposal, user)


def check_submit(proposal: Proposal, user) -> None:
    """Draft → deliberation, by its author."""
    if not _author(proposal, user):
        raise PermissionDeniedError(_("Only the author may submit a proposal."))
    if proposal.status != P.DRAFT:
        raise illegal(proposal, _("submitted"))


def can_submit(proposal: Proposal, user) -> bool:
    return _passes(check_submit, proposal, user)


def check_open_voting(proposal: Proposal, user, *, is_admin: bool) -> None:
    """Deliberation → voting, by its author or an administrator of the cluster."""
    if not (_author(proposal, user) or is_admin):
        raise PermissionDeniedError(_("Only the author or an administrator may open the vote."))
    if proposal.status != P.DELIBERATION:
        raise illegal(proposal, _("put to the vote"))


def can_open_voting(proposal: Proposal, user, *, is_admin: bool) -> bool:
    return _passes(check_open_voting, proposal, user, is_admin=is_admin)


def check_withdraw(proposal: Proposal, user) -> None:
    if not _author(proposal, user):
        raise PermissionDeniedError(_("Only the author may withdraw a proposal."))
    if proposal.status not in WITHDRAWABLE or (
        proposal.status == P.VOTING and proposal.voting_closes_at <= timezone.now()
    ):
        raise illegal(proposal, _("withdrawn"))


def can_withdraw(proposal: Proposal, user) -> bool:
    return _passes(check_withdraw, proposal, user)


# --- Members' actions -----------------------------------------------------------------------------


def check_cosign(proposal: Proposal, enterprise) -> None:
    """A petition collecting co-signers, by an enterprise other than the petitioner."""
    if proposal.status != P.PETITION:
        raise illegal(proposal, _("co-signed"))
    if enterprise.pk == proposal.petitioner_id:
        raise DomainError(_("The petitioning enterprise cannot co-sign its own petition."), field="enterprise")


def can_cosign(proposal: Proposal, enterprise, *, signed: set[int] = frozenset()) -> bool:
    """``signed``: the ids of the enterprises that have co-signed already."""
    return enterprise.pk not in signed and _passes(check_cosign, proposal, enterprise)


def check_commentable(proposal: Proposal) -> None:
    if proposal.status not in DEBATED:
        raise illegal(proposal, _("commented on"))


def check_commenter(roles) -> None:
    """``roles``: the commenter's roles in the proposal's cluster."""
    if not set(roles) & {MEMBER, COUNCIL}:
        raise PermissionDeniedError(_("Members and council members comment on proposals."))


def can_comment(proposal: Proposal, roles) -> bool:
    return _passes(check_commentable, proposal) and _passes(check_commenter, roles)


# --- The vote -------------------------------------------------------------------------------------


def check_voting_open(proposal: Proposal) -> None:
    if not proposal.voting_is_open:
        raise ConflictError(_("Voting on this proposal is not open."), code="voting_closed")


def check_tally_due(proposal: Proposal, *, now=None) -> None:
    """A vote is counted once its window has closed (beat's tally, or platform staff's when beat lags)."""
    if proposal.status != P.VOTING:
        raise illegal(proposal, _("tallied"))
    if proposal.voting_closes_at > (now or timezone.now()):
        raise ConflictError(_("The window is still open: the vote is counted once it closes."), code="voting_open")


def can_vote(proposal: Proposal, *, seats: list, votes: list, changeable: bool) -> bool:
    """The vote box: the window is open, the caller holds ``seats`` of its electorate, and one of
    them has not voted yet (``votes``: theirs) or votes may be changed."""
    return proposal.voting_is_open and bool(seats) and (changeable or len(votes) < len(seats))


def decided_by_all_seats(proposal: Proposal) -> bool:
    """A charter change, or removing a seat, needs the charter's majority of all seats (not of the votes cast)."""
    removes_a_seat = proposal.kind == Proposal.Kind.COUNCIL_SEAT and proposal.seat_action == Proposal.SeatAction.REMOVE
    return proposal.kind == Proposal.Kind.CHARTER_CHANGE or removes_a_seat


def approval(*, basis: str, threshold, seats: int, yes: int, no: int) -> tuple[bool, float]:
    """Whether the yes votes carry the proposal (quorum aside), and the share they are measured by.

    ``basis`` ``"seats"``: yes from at least ``threshold`` of all ``seats``; otherwise
    (``"votes_cast"``): yes from more than ``threshold`` of the yes and no votes.
    """
    if basis == "seats":
        share = yes / seats if seats else 0
        return bool(seats) and share >= threshold, share
    decided = yes + no
    share = yes / decided if decided else 0
    return decided > 0 and share > threshold, share


def seats_needed(share, seats: int) -> int:
    """The fewest of ``seats`` that make up ``share`` of them (the quorum's or the charter's count)."""
    return math.ceil(share * seats - 1e-9) if seats else 0


def published_result(proposal: Proposal) -> dict:
    """The tally, once the window has closed and it was counted; empty before (never shown while voting)."""
    return proposal.result if proposal.tallied_at and proposal.result else {}
