"""The partner view's API: only shared listings of kinds a partnership in force shares, in a
bounded number of queries whatever the number of listings."""

import pytest

from tests.factories.marketplace import CapacityOfferFactory, ChannelOfferFactory, OrderFactory
from tests.factories.partnerships import PartnershipFactory
from tests.queries import cold_queries

pytestmark = pytest.mark.django_db


def test_only_shared_listings_of_shared_kinds_in_bounded_queries(as_user, textile, park):
    PartnershipFactory(proposer=textile.cluster, partner=park.cluster, shared_kinds=["order", "capacity"])
    mine = textile.enterprise
    OrderFactory(cluster=textile.cluster, owner=mine, title="shared order 0", shared_with_partners=True)
    ChannelOfferFactory(cluster=textile.cluster, owner=mine, title="shared channel", shared_with_partners=True)
    OrderFactory(cluster=textile.cluster, owner=mine, title="unshared order")
    client = as_user(park.owner)
    url = park.url("partner-listings/")
    with cold_queries() as few:
        assert [r["title"] for r in client.get(url).json()["results"]] == ["shared order 0"]
    for n in range(1, 6):
        OrderFactory(cluster=textile.cluster, owner=mine, title=f"shared order {n}", shared_with_partners=True)
    CapacityOfferFactory(cluster=textile.cluster, owner=mine, title="shared capacity", shared_with_partners=True)
    with cold_queries() as many:
        answer = client.get(url).json()
    assert answer["count"] == 7 and "shared channel" not in str(answer) and "unshared" not in str(answer)
    assert len(many) == len(few)
    # the textile member's own partner view is empty: the park shares nothing
    assert as_user(textile.owner).get(textile.url("partner-listings/")).json()["count"] == 0
