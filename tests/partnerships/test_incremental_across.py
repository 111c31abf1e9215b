"""Cross-cluster matching in the incremental path (``apps/matching/partners.py``): a listing opened to
partners, posted while a partnership in force shares its kind, is matched with a partner's listings
at once, without a full re-plan; quantity already proposed across is not proposed twice."""

import pytest
from django.db.models import Sum

from apps.marketplace.models import Match, MatchingRun
from tests.factories.partnerships import PartnershipFactory
from tests.marketplace.conftest import capacity_body, order_body

pytestmark = pytest.mark.django_db


def test_a_shared_listing_is_matched_across_without_a_full_replan(
    as_user, textile, park, django_capture_on_commit_callbacks
):
    partnership = PartnershipFactory(proposer=textile.cluster, partner=park.cluster, shared_kinds=["order", "capacity"])
    buyer, supplier = as_user(textile.owner), as_user(park.owner)
    market = type("M", (), {"buyer": textile.enterprise})

    def post(client, side, path, body):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(side.url(path), body, format="json")
        assert response.status_code == 201, response.content
        return response.json()["id"]

    order = post(buyer, textile, "orders/", order_body(market, shared_with_partners=True, required_certifications=[]))
    private = post(supplier, park, "capacities/", capacity_body(park.enterprise, title="Kept to the park"))
    assert not Match.objects.filter(partner_cluster__isnull=False).exists()
    # a new supply opened to partners: matched at once with the partner's shared demand
    capacity = post(supplier, park, "capacities/", capacity_body(park.enterprise, shared_with_partners=True))
    across = Match.objects.get(partner_cluster=park.cluster)
    assert (across.cluster_id, across.order_id, across.capacity_id, across.partnership_id) == (
        textile.cluster.pk,
        order,
        capacity,
        partnership.pk,
    )
    assert not Match.objects.filter(capacity_id=private, partner_cluster__isnull=False).exists()
    # a new demand opened to partners: matched with what the partner's capacity has left, never twice
    second = post(
        buyer,
        textile,
        "orders/",
        order_body(market, shared_with_partners=True, required_certifications=[], quantity=800),
    )
    assert Match.objects.filter(order_id=second, capacity_id=capacity, partner_cluster=park.cluster).exists()
    proposed = Match.objects.filter(capacity_id=capacity, status="proposed").aggregate(q=Sum("quantity"))["q"]
    assert proposed <= 3000
    assert set(MatchingRun.objects.values_list("kind", flat=True)) == {MatchingRun.Kind.INCREMENTAL}
    # the buyer's cluster sees it as its own proposal
    mine = as_user(textile.owner).get(textile.url("matches/")).json()["results"]
    assert {m["id"] for m in mine} >= {across.pk}
