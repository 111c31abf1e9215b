"""Row-level security's partner policy, proved by pages whose scoping is broken on purpose: they
forget ``.filter(cluster=…)``. A partner's shared, published listings of a kind the partnership
shares cross while it is in force; nothing unshared ever does, and nothing at all once it ended.

``forgetful`` reads through the default manager (the application's scoping: SQLite's only guard);
``bare`` through the base manager, which has no application scoping at all, so on PostgreSQL only
the database's policies stand between it and every row."""

import pytest
from django.db import connection
from django.http import JsonResponse
from django.test import Client
from django.urls import include, path

from apps.marketplace.models import CapacityOffer, Match, Order
from apps.tenancy.pages import MEMBER, cluster_page
from apps.tenancy.rls import enforced
from tests.factories import ClusterFactory, UserFactory
from tests.factories.marketplace import CapacityOfferFactory, MatchFactory, OrderFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.factories.partnerships import PartnershipFactory


def _titles(manager_of):
    return JsonResponse(
        {
            "orders": sorted(manager_of(Order).values_list("title", flat=True)),
            "capacities": sorted(manager_of(CapacityOffer).values_list("title", flat=True)),
            "matches": sorted(manager_of(Match).values_list("quantity", flat=True)),
        }
    )


@cluster_page(MEMBER)
def forgetful(request, slug):
    return _titles(lambda model: model.objects)


@cluster_page(MEMBER)
def bare(request, slug):
    return _titles(lambda model: model._base_manager)


urlpatterns = [
    path("clusters/<slug:slug>/forgetful/", forgetful),
    path("clusters/<slug:slug>/bare/", bare),
    path("", include("cluster_platform.urls")),
]


@pytest.fixture
def world(db):
    home, partner, stranger = ClusterFactory(), ClusterFactory(), ClusterFactory()
    member = UserFactory()
    MembershipFactory(cluster=home, enterprise=EnterpriseFactory(owner=member))
    theirs = EnterpriseFactory()
    MembershipFactory(cluster=partner, enterprise=theirs)
    OrderFactory(cluster=home, title="home order")
    OrderFactory(cluster=partner, owner=theirs, title="shared order", shared_with_partners=True)
    OrderFactory(cluster=partner, owner=theirs, title="unshared order")
    OrderFactory(cluster=partner, owner=theirs, title="shared draft", shared_with_partners=True, status="draft")
    OrderFactory(cluster=stranger, title="stranger shared order", shared_with_partners=True)
    # capacity is shared by its owner, but the partnership shares orders only
    CapacityOfferFactory(cluster=partner, owner=theirs, title="shared capacity", shared_with_partners=True)
    MatchFactory(cluster=partner, quantity=11)  # the partner's own match
    MatchFactory(cluster=partner, partner_cluster=home, quantity=22)  # a cross-cluster one: both clusters'
    partnership = PartnershipFactory(proposer=home, partner=partner, shared_kinds=["order"])
    return home, member, partnership


def answer(member, home, view):
    client = Client()
    client.force_login(member)
    response = client.get(f"/clusters/{home.slug}/{view}/")
    assert response.status_code == 200
    return response.json()


SEEN_IN_FORCE = {"orders": ["home order", "shared order"], "capacities": [], "matches": [22]}
SEEN_AFTER = {"orders": ["home order"], "capacities": [], "matches": [22]}  # the deal's match stays both clusters'


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("view", ["forgetful", "bare"])
def test_only_shared_listings_cross_while_in_force(world, view):
    home, member, partnership = world
    if view == "bare" and not enforced(connection):
        pytest.skip("the base manager has no scoping: only PostgreSQL's row-level security guards it")
    assert answer(member, home, view) == SEEN_IN_FORCE
    for status in ("suspended", "ended"):
        partnership.status = status
        partnership.save()
        assert answer(member, home, view) == SEEN_AFTER, status
