"""What ``cluster_roles_for`` answers, case by case: every tenant request relies on it."""

import datetime

import pytest
from django.utils import timezone

from apps.governance.models import Seat
from apps.membership.models import EnterpriseMember, Membership
from apps.tenancy.selectors import cluster_roles_for
from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory
from tests.factories.governance import SeatFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def seat(cluster, holder, *, start_days=-10, end_days=10, removed=False):
    now = timezone.now()
    return SeatFactory(
        cluster=cluster,
        chamber=Seat.Chamber.INDUSTRY_EXPERTS,
        holder=holder,
        term_start=now + datetime.timedelta(days=start_days),
        term_end=now + datetime.timedelta(days=end_days),
        removed_at=now if removed else None,
    )


def test_anonymous_and_a_stranger():
    from django.contrib.auth.models import AnonymousUser

    cluster = ClusterFactory()
    assert cluster_roles_for(user=AnonymousUser(), cluster=cluster) == frozenset()
    assert cluster_roles_for(user=None, cluster=cluster) == frozenset()
    assert cluster_roles_for(user=UserFactory(), cluster=cluster) == {"authenticated"}


def test_administrator_only_where_appointed():
    cluster, other = ClusterFactory(), ClusterFactory()
    admin = ClusterRoleFactory(cluster=cluster).user
    assert cluster_roles_for(user=admin, cluster=cluster) == {"authenticated", "administrator"}
    assert cluster_roles_for(user=admin, cluster=other) == {"authenticated"}


@pytest.mark.parametrize(
    ("status", "is_member"),
    [(s, s == Membership.Status.ACTIVE) for s in Membership.Status.values],
)
def test_member_through_any_of_the_users_enterprises_while_active(status, is_member):
    cluster, other = ClusterFactory(), ClusterFactory()
    person = UserFactory()
    first, second = EnterpriseFactory(), EnterpriseFactory(owner=False)
    PersonFactory(enterprise=second, user=person, role=EnterpriseMember.Role.STAFF)
    MembershipFactory(cluster=cluster, enterprise=second, status=status)
    MembershipFactory(cluster=other, enterprise=first)  # the user is not one of first's people
    expected = {"authenticated", "member"} if is_member else {"authenticated"}
    assert cluster_roles_for(user=person, cluster=cluster) == expected
    assert cluster_roles_for(user=person, cluster=other) == {"authenticated"}


@pytest.mark.parametrize(
    ("start_days", "end_days", "removed", "council"),
    [
        (-10, 10, False, True),  # term covers now
        (1, 10, False, False),  # not started
        (-10, -1, False, False),  # ended
        (-10, 10, True, False),  # removed
    ],
)
def test_council_while_a_seat_covers_now(start_days, end_days, removed, council):
    cluster, other = ClusterFactory(), ClusterFactory()
    holder = UserFactory()
    seat(cluster, holder, start_days=start_days, end_days=end_days, removed=removed)
    expected = {"authenticated", "council"} if council else {"authenticated"}
    assert cluster_roles_for(user=holder, cluster=cluster) == expected
    assert cluster_roles_for(user=holder, cluster=other) == {"authenticated"}


def test_roles_add_up():
    cluster = ClusterFactory()
    person = ClusterRoleFactory(cluster=cluster).user
    MembershipFactory(cluster=cluster, enterprise=EnterpriseFactory(owner=person))
    seat(cluster, person)
    assert cluster_roles_for(user=person, cluster=cluster) == {"authenticated", "administrator", "member", "council"}
