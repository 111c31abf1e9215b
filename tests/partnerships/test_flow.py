"""Issue 17's proof, through the API: both councils pass a partnership → a listing opened to
partners is matched with a partner's capacity → a cross-cluster deal → visible to both
administrations → the partnership ends → the listing is no longer visible across, the deal finishes."""

import pytest

from apps.marketplace.models import Deal, Match
from apps.monitoring.kpis import compute
from apps.partnerships.models import Partnership
from tests.factories.marketplace import DealFactory, MatchFactory
from tests.marketplace.conftest import capacity_body, order_body

from .conftest import days, in_force, motion, open_motion_proposal, pass_by_council

pytestmark = pytest.mark.django_db


def test_partnership_to_cross_cluster_deal_and_its_end(as_user, textile, park, django_capture_on_commit_callbacks):
    # both councils pass it, each by its own vote
    partnership = in_force(as_user, textile, park)
    assert partnership["status"] == "in_force" and partnership["in_force_today"]
    assert [c["entered"] for c in partnership["councils"]] == [True, True]
    pk = partnership["id"]
    assert as_user(park.owner).get(park.url(f"partnerships/{pk}/")).json()["status"] == "in_force"

    # a textile member opens an order to partners (and keeps another to itself); a park member its capacity
    buyer, supplier = as_user(textile.owner), as_user(park.owner)
    market = type("M", (), {"buyer": textile.enterprise})
    shared = buyer.post(
        textile.url("orders/"),
        order_body(market, shared_with_partners=True, required_certifications=[], title="Shared shirting"),
        format="json",
    )
    assert shared.status_code == 201, shared.content
    assert shared.json()["shared_with_partners"] is True
    private = buyer.post(
        textile.url("orders/"), order_body(market, required_certifications=[], title="Private shirting"), format="json"
    )
    assert private.status_code == 201
    capacity = supplier.post(
        park.url("capacities/"), capacity_body(park.enterprise, shared_with_partners=True), format="json"
    )
    assert capacity.status_code == 201, capacity.content

    # the park's member sees the shared order in the partner view, and nothing else of the textile cluster
    seen = supplier.get(park.url("partner-listings/")).json()["results"]
    assert [(r["kind"], r["id"]) for r in seen] == [("order", shared.json()["id"])]
    assert seen[0]["cluster"]["slug"] == textile.cluster.slug
    assert supplier.get(textile.url(f"orders/{shared.json()['id']}/")).status_code in (403, 404)
    assert "Private shirting" not in supplier.get(park.url("partner-listings/")).content.decode()

    # the textile cluster's full re-plan matches the shared order with the partner's capacity
    with django_capture_on_commit_callbacks(execute=True):
        assert as_user(textile.admin).post(textile.url("matching-runs/")).status_code == 202
    match = Match.objects.get(order_id=shared.json()["id"], partner_cluster=park.cluster)
    assert (match.cluster_id, match.capacity_id, match.partnership_id) == (
        textile.cluster.pk,
        capacity.json()["id"],
        pk,
    )
    assert not Match.objects.filter(order_id=private.json()["id"], partner_cluster__isnull=False).exists()

    # each side accepts from its own cluster: a cross-cluster deal
    assert buyer.post(textile.url(f"matches/{match.pk}/accept/")).status_code == 200
    answer = supplier.post(park.url(f"matches/{match.pk}/accept/"))
    assert answer.status_code == 200, answer.content
    deal_id = answer.json()["deal"]
    deal = Deal.objects.get(pk=deal_id)
    assert (deal.cluster_id, deal.partner_cluster_id, deal.partnership_id) == (textile.cluster.pk, park.cluster.pk, pk)

    # both administrations see it
    for side in (textile, park):
        listed = as_user(side.admin).get(side.url("deals/")).json()["results"]
        assert deal_id in [d["id"] for d in listed], side.cluster.slug
        assert as_user(side.admin).get(side.url(f"deals/{deal_id}/")).status_code == 200

    # the park's council ends the partnership
    response = motion(as_user, park, pk, "end")
    assert response.status_code == 201, response.content
    pass_by_council(as_user, park, open_motion_proposal(response.json(), park.cluster.pk))
    assert Partnership.objects.get(pk=pk).status == "ended"
    assert as_user(textile.admin).get(textile.url(f"partnerships/{pk}/")).json()["status"] == "ended"

    # the shared order is no longer visible across; opening another one to partners is refused
    assert supplier.get(park.url("partner-listings/")).json()["results"] == []
    refused = buyer.post(textile.url("orders/"), order_body(market, shared_with_partners=True), format="json")
    assert refused.status_code == 400
    assert "shared_with_partners" in refused.content.decode()

    # the deal finishes under the terms it began with, each side acting from its own cluster
    def step(client, side, status, note=""):
        return client.post(side.url(f"deals/{deal_id}/advance/"), {"status": status, "note": note}, format="json")

    for status in ("in_production", "quality_checked", "shipped"):
        assert step(supplier, park, status).status_code == 200, status
    assert step(buyer, textile, "delivered", "Received").status_code == 200
    assert step(buyer, textile, "closed").status_code == 200
    deal.refresh_from_db()
    assert (deal.status, deal.partnership_id) == ("closed", pk)
    for side in (textile, park):
        assert as_user(side.admin).get(side.url(f"deals/{deal_id}/")).json()["status"] == "closed"


def test_unpartnered_cluster_sees_nothing_in_the_partner_view(as_user, textile, park):
    buyer = as_user(textile.owner)
    market = type("M", (), {"buyer": textile.enterprise})
    refused = buyer.post(textile.url("orders/"), order_body(market, shared_with_partners=True), format="json")
    assert refused.status_code == 400 and "shared_with_partners" in refused.content.decode()
    assert as_user(park.owner).get(park.url("partner-listings/")).json()["results"] == []
    assert as_user(park.owner).get(park.url("partnerships/")).json()["results"] == []
    assert days(0)


def test_a_cross_cluster_deal_counts_in_both_clusters_kpis(textile, park):
    match = MatchFactory(cluster=textile.cluster, partner_cluster=park.cluster, status="accepted", quantity=100)
    DealFactory(match=match, partner_cluster=park.cluster)
    assert compute(textile.cluster)["deals"]["total"] == compute(park.cluster)["deals"]["total"] == 1
