"""``/me/``'s ``clusters``: every cluster where the user holds a role, with those roles, from the
API alone (issue 15, item 13), in a bounded number of statements."""

import datetime

import pytest
from django.utils import timezone

from apps.governance.models import Seat
from apps.membership.models import Membership
from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory
from tests.factories.governance import SeatFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def seat(cluster, holder, *, start_days=-10, end_days=10):
    now = timezone.now()
    return SeatFactory(
        cluster=cluster,
        chamber=Seat.Chamber.INDUSTRY_EXPERTS,
        holder=holder,
        term_start=now + datetime.timedelta(days=start_days),
        term_end=now + datetime.timedelta(days=end_days),
    )


def clusters(as_user, user):
    response = as_user(user).get("/api/v1/me/")
    assert response.status_code == 200, response.content
    return {entry["slug"]: entry for entry in response.json()["clusters"]}


def test_an_approved_member_sees_the_cluster_with_role_member(as_user):
    cluster = ClusterFactory()
    owner = UserFactory()
    MembershipFactory(cluster=cluster, enterprise=EnterpriseFactory(owner=owner))
    assert clusters(as_user, owner) == {cluster.slug: {"slug": cluster.slug, "name": cluster.name, "roles": ["member"]}}


def test_a_pending_applicant_and_a_stranger_see_nothing(as_user):
    cluster = ClusterFactory()
    owner = UserFactory()
    MembershipFactory(cluster=cluster, enterprise=EnterpriseFactory(owner=owner), status=Membership.Status.PENDING)
    assert clusters(as_user, owner) == {}
    assert clusters(as_user, UserFactory()) == {}


def test_a_seat_holder_in_term_gets_council_and_not_before_the_term(as_user):
    cluster, later = ClusterFactory(), ClusterFactory()
    holder = UserFactory()
    seat(cluster, holder)
    seat(later, holder, start_days=5, end_days=20)
    assert clusters(as_user, holder) == {
        cluster.slug: {"slug": cluster.slug, "name": cluster.name, "roles": ["council"]}
    }


def test_an_administrator_gets_administrator_and_the_flat_roles_stay(as_user):
    cluster = ClusterFactory()
    admin = ClusterRoleFactory(cluster=cluster).user
    me = as_user(admin).get("/api/v1/me/").json()
    assert me["clusters"] == [{"slug": cluster.slug, "name": cluster.name, "roles": ["administrator"]}]
    assert me["roles"] == [{"cluster": cluster.slug, "cluster_name": cluster.name, "role": "administrator"}]


def test_a_user_of_two_clusters_sees_both_with_every_role_in_bounded_queries(as_user, django_assert_max_num_queries):
    first, second, elsewhere = ClusterFactory(), ClusterFactory(), ClusterFactory()
    user = UserFactory()
    enterprise = EnterpriseFactory(owner=user)
    MembershipFactory(cluster=first, enterprise=enterprise)
    MembershipFactory(cluster=second, enterprise=enterprise)
    ClusterRoleFactory(cluster=first, user=user)
    seat(first, user)
    MembershipFactory(cluster=elsewhere, enterprise=EnterpriseFactory())  # not the user's
    client = as_user(user)
    client.get("/api/v1/me/")  # warm the session and user caches
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/me/")
    found = {entry["slug"]: entry["roles"] for entry in response.json()["clusters"]}
    assert found == {first.slug: ["administrator", "council", "member"], second.slug: ["member"]}

    # more clusters do not mean more statements
    for _ in range(4):
        MembershipFactory(cluster=ClusterFactory(), enterprise=enterprise)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/me/")
    assert len(response.json()["clusters"]) == 6


def test_a_suspended_cluster_is_not_listed(as_user):
    cluster = ClusterFactory()
    owner = UserFactory()
    MembershipFactory(cluster=cluster, enterprise=EnterpriseFactory(owner=owner))
    cluster.status = cluster.Status.SUSPENDED
    cluster.save()
    assert clusters(as_user, owner) == {}
