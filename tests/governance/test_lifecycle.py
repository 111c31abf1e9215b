"""The proposal's lifecycle decides once: the vote's approval, and the buttons the pages show
are the checks the services apply."""

import pytest

from apps.core.errors import ConflictError, PermissionDeniedError
from apps.governance import lifecycle
from apps.governance.models import Proposal
from tests.governance.conftest import proposal_in_vote


@pytest.mark.parametrize(
    ("basis", "seats", "yes", "no", "approved"),
    [
        ("seats", 3, 2, 0, True),  # 2/3 of all seats meets a 2/3 threshold
        ("seats", 3, 1, 0, False),
        ("seats", 0, 0, 0, False),
        ("votes_cast", 3, 1, 1, False),  # half of the yes and no votes is not more than half
        ("votes_cast", 3, 2, 1, True),
        ("votes_cast", 3, 0, 0, False),  # only abstentions
    ],
)
def test_approval_by_all_seats_or_by_the_votes_cast(basis, seats, yes, no, approved):
    threshold = 2 / 3 if basis == "seats" else 0.5
    assert lifecycle.approval(basis=basis, threshold=threshold, seats=seats, yes=yes, no=no)[0] is approved


def test_the_charter_and_a_seat_removal_are_decided_by_all_seats():
    assert lifecycle.decided_by_all_seats(Proposal(kind=Proposal.Kind.CHARTER_CHANGE))
    assert lifecycle.decided_by_all_seats(Proposal(kind=Proposal.Kind.COUNCIL_SEAT, seat_action="remove"))
    assert not lifecycle.decided_by_all_seats(Proposal(kind=Proposal.Kind.COUNCIL_SEAT, seat_action="fill"))
    assert not lifecycle.decided_by_all_seats(Proposal(kind=Proposal.Kind.RULE_CHANGE))


def test_the_author_s_buttons_are_the_services_checks(db, council):
    proposal = Proposal.objects.get(pk=proposal_in_vote(council).pk)
    author, other = council.members[0], council.members[1]
    assert not lifecycle.can_amend(proposal, author) and not lifecycle.can_submit(proposal, author)
    assert lifecycle.can_withdraw(proposal, author) and not lifecycle.can_withdraw(proposal, other)
    with pytest.raises(ConflictError):
        lifecycle.check_amend(proposal, author)
    with pytest.raises(PermissionDeniedError):
        lifecycle.check_withdraw(proposal, other)
    assert not lifecycle.can_open_voting(proposal, author, is_admin=True)  # already voting
    assert lifecycle.published_result(proposal) == {}  # nothing shown while the vote is open
