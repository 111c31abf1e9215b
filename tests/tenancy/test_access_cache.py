"""Who may do what in a cluster is read from the cache on every request; every change that
takes a right away is seen on the very next request, through the API, with a real session
token (so the cached user is exercised too)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.core.generations import WatchedQuerySet, watched_models
from apps.governance.models import Seat
from apps.membership.models import EnterpriseMember, Membership
from apps.tenancy.models import Cluster, ClusterRole
from tests.factories import PASSWORD, ClusterFactory, ClusterRoleFactory, StaffFactory, UserFactory
from tests.factories.governance import SeatFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> APIClient:
    client = APIClient()
    response = client.post("/_allauth/app/v1/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_X_SESSION_TOKEN=response.json()["meta"]["session_token"])
    return client


@pytest.fixture
def park():
    cluster = ClusterFactory()
    owner = UserFactory()
    enterprise = EnterpriseFactory(owner=owner)
    membership = MembershipFactory(cluster=cluster, enterprise=enterprise)
    return cluster, owner, enterprise, membership


def orders(cluster) -> str:
    return f"/api/v1/clusters/{cluster.slug}/orders/"


def test_a_suspended_membership_is_refused_on_the_next_request(park):
    cluster, owner, _enterprise, membership = park
    member, admin = signed_in(owner), signed_in(ClusterRoleFactory(cluster=cluster).user)
    assert member.get(orders(cluster)).status_code == 200
    assert member.get(orders(cluster)).status_code == 200  # answered from the cache
    response = admin.post(
        f"/api/v1/clusters/{cluster.slug}/memberships/{membership.pk}/suspend/",
        {"reason": "Unpaid dues"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert member.get(orders(cluster)).status_code == 403


def test_a_removed_administrator_is_refused_on_the_next_request(cluster):
    person = ClusterRoleFactory(cluster=cluster).user
    admin, staff = signed_in(person), signed_in(StaffFactory())
    administrators = f"/api/v1/clusters/{cluster.slug}/administrators/"
    assert admin.get(administrators).status_code == 200
    assert staff.delete(f"{administrators}{person.pk}/").status_code == 204
    assert admin.get(administrators).status_code == 403


def test_a_person_removed_from_the_enterprise_is_no_longer_a_member(park):
    cluster, owner, enterprise, _membership = park
    person = UserFactory()
    PersonFactory(enterprise=enterprise, user=person, role=EnterpriseMember.Role.STAFF)
    client = signed_in(person)
    assert client.get(orders(cluster)).status_code == 200
    response = signed_in(owner).delete(f"/api/v1/enterprises/{enterprise.pk}/people/{person.pk}/")
    assert response.status_code == 204, response.content
    assert client.get(orders(cluster)).status_code == 403


def test_a_bulk_update_is_seen_on_the_next_request(park):
    cluster, owner, _enterprise, membership = park
    client = signed_in(owner)
    assert client.get(orders(cluster)).status_code == 200
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.EXPELLED)
    assert client.get(orders(cluster)).status_code == 403


def test_council_follows_the_seat_its_removal_and_its_term(cluster, monkeypatch):
    holder, now = UserFactory(), timezone.now()

    def seat(start_minutes, end_minutes):
        return SeatFactory(
            cluster=cluster,
            chamber=Seat.Chamber.INDUSTRY_EXPERTS,
            holder=holder,
            term_start=now + datetime.timedelta(minutes=start_minutes),
            term_end=now + datetime.timedelta(minutes=end_minutes),
        )

    def at(minutes):
        monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(minutes=minutes))

    first = seat(60, 120)
    client, proposals = signed_in(holder), f"/api/v1/clusters/{cluster.slug}/proposals/"
    assert client.get(proposals).status_code == 403  # the term has not started
    at(61)
    assert client.get(proposals).status_code == 200  # it has, with nothing else changed
    at(90)
    first.removed_at = timezone.now()
    first.save(update_fields=["removed_at"])
    assert client.get(proposals).status_code == 403  # removed from the seat
    seat(0, 100)
    assert client.get(proposals).status_code == 200  # a new seat
    at(101)
    assert client.get(proposals).status_code == 403  # whose term has ended


def test_a_deactivated_user_or_a_new_password_signs_the_session_out(park):
    cluster, owner, _enterprise, _membership = park
    client = signed_in(owner)
    assert client.get(orders(cluster)).status_code == 200
    owner.set_password("a brand new passphrase 2026")
    owner.save()
    assert client.get(orders(cluster)).status_code == 401
    client = signed_in(UserFactory(email="second@example.com"))
    assert client.get("/api/v1/me/").status_code == 200
    User.objects.filter(email="second@example.com").update(is_active=False)
    assert client.get("/api/v1/me/").status_code == 401


def test_a_suspended_cluster_is_gone_on_the_next_request(park):
    cluster, owner, _enterprise, _membership = park
    client = signed_in(owner)
    assert client.get(orders(cluster)).status_code == 200
    cluster.status = Cluster.Status.SUSPENDED
    cluster.save()
    assert client.get(orders(cluster)).status_code == 404


def test_a_cached_read_does_not_touch_the_database(park):
    cluster, owner, _enterprise, _membership = park
    client = signed_in(owner)
    assert client.get(orders(cluster)).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(orders(cluster)).status_code == 200
    # the test's own transaction makes the request's a savepoint; nothing else is sent
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert statements == []


def test_every_model_that_decides_access_is_watched_including_its_bulk_writes():
    watched = watched_models()
    assert {Cluster, ClusterRole, Membership, EnterpriseMember, Seat, User} <= set(watched)
    for model in watched:
        assert isinstance(model._default_manager.all(), WatchedQuerySet), model
