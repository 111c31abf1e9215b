"""Row-level security's partner policy on park resources and bookings, proved by pages whose scoping is
broken on purpose (they forget ``.filter(cluster=…)``): while a partnership in force opens resources, a
partner's member sees the park's resources bookable by partners, and the bookings made across from its
own cluster; nothing else of the park, and after the partnership ends only what it booked.

``forgetful`` reads through the default manager (SQLite's only guard); ``bare`` through the base manager,
which has no application scoping, so on PostgreSQL only the database's policies stand in the way."""

import pytest
from django.db import connection
from django.http import JsonResponse
from django.test import Client
from django.urls import include, path

from apps.parks.models import Booking, Resource
from apps.tenancy.pages import MEMBER, cluster_page
from apps.tenancy.rls import enforced
from tests.factories import ClusterFactory, UserFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.factories.parks import BookingFactory, ResourceFactory
from tests.factories.partnerships import PartnershipFactory


def _seen(manager_of):
    return JsonResponse(
        {
            "resources": sorted(manager_of(Resource).values_list("name_en", flat=True)),
            "bookings": sorted(manager_of(Booking).values_list("note", flat=True)),
        }
    )


@cluster_page(MEMBER)
def forgetful(request, slug):
    return _seen(lambda model: model.objects)


@cluster_page(MEMBER)
def bare(request, slug):
    return _seen(lambda model: model._base_manager)


urlpatterns = [
    path("clusters/<slug:slug>/forgetful/", forgetful),
    path("clusters/<slug:slug>/bare/", bare),
    path("", include("cluster_platform.urls")),
]


@pytest.fixture
def world(db):
    home, park, stranger = ClusterFactory(), ClusterFactory(kind="physical"), ClusterFactory()
    member = UserFactory()
    mine = EnterpriseFactory(owner=member)
    MembershipFactory(cluster=home, enterprise=mine)
    ResourceFactory(cluster=home, name_en="home lab")
    shared = ResourceFactory(cluster=park, name_en="shared hall", bookable_by="members_and_partners")
    booked = ResourceFactory(cluster=park, name_en="booked lab", bookable_by="members_and_partners")
    ResourceFactory(cluster=park, name_en="unshared lab")
    ResourceFactory(cluster=park, name_en="closed hall", bookable_by="members_and_partners", active=False)
    ResourceFactory(cluster=stranger, name_en="stranger hall", bookable_by="members_and_partners")
    BookingFactory(resource=booked, enterprise=mine, partner_cluster=home, note="ours across")
    BookingFactory(resource=shared, note="a park member's")
    partnership = PartnershipFactory(proposer=home, partner=park)
    return home, member, partnership


def answer(member, home, view):
    client = Client()
    client.force_login(member)
    response = client.get(f"/clusters/{home.slug}/{view}/")
    assert response.status_code == 200
    return response.json()


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("view", ["forgetful", "bare"])
def test_only_partner_bookable_resources_cross_while_in_force(world, view):
    home, member, partnership = world
    if view == "bare" and not enforced(connection):
        pytest.skip("the base manager has no scoping: only PostgreSQL's row-level security guards it")
    seen = answer(member, home, view)
    assert seen == {"resources": ["booked lab", "home lab", "shared hall"], "bookings": ["ours across"]}
    partnership.status = "ended"
    partnership.save()
    seen = answer(member, home, view)
    assert seen["bookings"] == ["ours across"] and "shared hall" not in seen["resources"]
    assert "unshared lab" not in seen["resources"] and "stranger hall" not in seen["resources"]
