"""From the API alone a client learns what the pages show (issue 15, item 13): a partner's reputation
in the member directory, the enterprise profile, the match and the deal answers, and a match's
explanation; in bounded queries, and never a cluster's records to someone outside it."""

import pytest

from apps.marketplace.models import Reputation
from tests.factories import ClusterFactory, UserFactory
from tests.factories.marketplace import DealFactory, MatchFactory, OrderFactory, ReputationFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(market):
    supplier = ReputationFactory(
        cluster=market.cluster,
        enterprise=market.supplier,
        deals_completed=7,
        on_time_rate=0.857,
        average_score=4.5,
        ratings_count=6,
    )
    # the supplier's record in another cluster, which this cluster's readers do not see
    elsewhere = ClusterFactory()
    MembershipFactory(cluster=elsewhere, enterprise=market.supplier)
    ReputationFactory(cluster=elsewhere, enterprise=market.supplier, deals_completed=99)
    return supplier


def rows(response):
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def test_the_member_directory_carries_each_members_reputation_in_bounded_queries(
    as_user, market, records, django_assert_max_num_queries
):
    client = as_user(market.buyer_owner)
    client.get(market.url("members/"))  # warm the access caches
    with django_assert_max_num_queries(12) as few:
        response = client.get(market.url("members/"))
    statements = len(few.captured_queries)
    assert response.status_code == 200, response.content
    by_enterprise = {row["enterprise"]["id"]: row["reputation"] for row in rows(response)}
    assert by_enterprise[market.supplier.pk] == {
        "deals_completed": 7,
        "on_time_rate": pytest.approx(0.857),
        "average_score": pytest.approx(4.5),
        "ratings_count": 6,
        "updated_at": by_enterprise[market.supplier.pk]["updated_at"],
    }
    assert by_enterprise[market.buyer.pk] is None  # no record yet

    # ten more members with records: not one statement more
    for _ in range(10):
        enterprise = EnterpriseFactory()
        MembershipFactory(cluster=market.cluster, enterprise=enterprise)
        ReputationFactory(cluster=market.cluster, enterprise=enterprise, deals_completed=2)
    client.get(market.url("members/"))  # new members changed the cluster's access generation: warm again
    with django_assert_max_num_queries(statements):
        response = client.get(market.url("members/"))
    assert sum(1 for row in rows(response) if row["reputation"]) == 11


def test_the_enterprise_profile_shows_its_reputation_in_the_readers_clusters_only(as_user, market, records):
    # a member of the cluster (the public profile) and the supplier's own owner (the full profile)
    for reader in (market.buyer_owner, market.supplier_owner):
        profile = as_user(reader).get(f"/api/v1/enterprises/{market.supplier.pk}/").json()
        mine = [r for r in profile["reputations"] if r["cluster"] == market.cluster.slug]
        assert [r["deals_completed"] for r in mine] == [7]
    assert (
        len(as_user(market.supplier_owner).get(f"/api/v1/enterprises/{market.supplier.pk}/").json()["reputations"]) == 2
    )
    assert len(as_user(market.buyer_owner).get(f"/api/v1/enterprises/{market.supplier.pk}/").json()["reputations"]) == 1
    # an administrator of the cluster
    admin = as_user(market.admin).get(f"/api/v1/enterprises/{market.supplier.pk}/").json()
    assert [r["cluster"] for r in admin["reputations"]] == [market.cluster.slug]
    # a member of another cluster, and a user with no role, learn nothing of it
    for stranger in (market.foreign_owner, UserFactory()):
        profile = as_user(stranger).get(f"/api/v1/enterprises/{market.supplier.pk}/")
        assert profile.status_code == 200 and profile.json()["reputations"] == []


def test_the_match_answer_carries_both_sides_reputation_and_the_explanation(
    as_user, market, records, django_assert_max_num_queries
):
    def pair():
        order = OrderFactory(cluster=market.cluster, owner=market.buyer)
        return MatchFactory(
            order=order,
            capacity__owner=market.supplier,
            breakdown={"price": {"value": 0.72, "weight": 0.25}, "region": {"value": 0.6, "weight": 0.75}},
        )

    match = pair()
    client = as_user(market.buyer_owner)
    one = client.get(market.url(f"matches/{match.pk}/")).json()
    assert one["supply_owner_reputation"]["deals_completed"] == 7
    assert one["demand_owner_reputation"] is None
    assert one["rulebook_version"] == 0
    assert one["explanation"] == [
        {
            "name": "price",
            "label": "Price",
            "hint": one["explanation"][0]["hint"],
            "value": 72,
            "weight": 25,
            "points": 18.0,
        },
        {
            "name": "region",
            "label": "Region",
            "hint": one["explanation"][1]["hint"],
            "value": 60,
            "weight": 75,
            "points": 45.0,
        },
    ]
    assert "delivery" in one["explanation"][1]["hint"]
    translated = client.get(market.url(f"matches/{match.pk}/"), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert translated["explanation"][0]["label"] != "Price"  # in the reader's language

    with django_assert_max_num_queries(12) as few:
        client.get(market.url("matches/"))
    statements = len(few.captured_queries)
    for _ in range(5):
        pair()
    with django_assert_max_num_queries(statements):
        listed = rows(client.get(market.url("matches/")))
    assert len(listed) == 6 and all(m["supply_owner_reputation"]["deals_completed"] == 7 for m in listed)


def test_the_deal_answer_carries_both_sides_reputation(as_user, market, records):
    ReputationFactory(cluster=market.cluster, enterprise=market.buyer, deals_completed=2, on_time_rate=1.0)
    match = MatchFactory(
        order=OrderFactory(cluster=market.cluster, owner=market.buyer),
        capacity__owner=market.supplier,
        status="accepted",
    )
    deal = DealFactory(match=match)
    answer = as_user(market.supplier_owner).get(market.url(f"deals/{deal.pk}/")).json()
    assert answer["buyer_reputation"]["deals_completed"] == 2
    assert answer["supplier_reputation"]["deals_completed"] == 7
    listed = rows(as_user(market.buyer_owner).get(market.url("deals/")))
    assert [d["supplier_reputation"]["on_time_rate"] for d in listed] == [pytest.approx(0.857)]
    assert Reputation.objects.filter(enterprise=market.supplier).count() == 2
