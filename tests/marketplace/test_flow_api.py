"""From posting to delivery and rating, through the API only."""

import pytest

from apps.marketplace.models import CapacityOffer, Deal, Match, MatchingRun, Order, Reputation

from .conftest import capacity_body, order_body

pytestmark = pytest.mark.django_db


def test_order_and_capacity_to_deal_delivery_and_reputation(as_user, market, django_capture_on_commit_callbacks):
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    # Given a capacity offer and then an order, each matched incrementally on commit
    with django_capture_on_commit_callbacks(execute=True):
        response = supplier.post(market.url("capacities/"), capacity_body(market.supplier), format="json")
    assert response.status_code == 201, response.content
    capacity_id = response.json()["id"]
    assert response.json()["total_quantity"] == 3000
    assert response.json()["status"] == "open"
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer.post(market.url("orders/"), order_body(market), format="json")
    assert response.status_code == 201, response.content
    order_id = response.json()["id"]

    # Then a proposal exists, explained, visible to both sides
    matches = buyer.get(market.url("matches/")).json()["results"]
    assert len(matches) == 1
    match = matches[0]
    assert (match["order"], match["capacity"], match["quantity"]) == (order_id, capacity_id, 2000)
    assert match["my_side"] == "demand"
    assert set(match["breakdown"]) == {
        "price",
        "distance",
        "lead_time",
        "reputation",
        "coverage",
        "certifications",
        "region",
        "verification",  # on-site verification (apps.parks), weight 0 by default
    }
    assert abs(sum(f["weight"] for f in match["breakdown"].values()) - 1) < 1e-3
    assert 0 < match["score"] <= 1
    assert supplier.get(market.url("matches/")).json()["results"][0]["my_side"] == "supply"
    assert MatchingRun.objects.filter(cluster=market.cluster, kind="incremental").count() == 2

    # When both accept, a deal is created and the quantity reserved
    first = buyer.post(market.url(f"matches/{match['id']}/accept/"))
    assert first.status_code == 200 and first.json()["status"] == "proposed"
    second = supplier.post(market.url(f"matches/{match['id']}/accept/"))
    assert second.status_code == 200, second.content
    assert second.json()["status"] == "accepted"
    deal_id = second.json()["deal"]
    assert CapacityOffer.objects.get(pk=capacity_id).reserved_quantity == 2000
    order = Order.objects.get(pk=order_id)
    assert (order.filled_quantity, order.status) == (2000, "filled")
    assert CapacityOffer.objects.get(pk=capacity_id).status == "partially_filled"

    # Milestones, each by the side entitled to it
    def step(client, status, note=""):
        return client.post(market.url(f"deals/{deal_id}/advance/"), {"status": status, "note": note}, format="json")

    assert step(buyer, "in_production").status_code == 403  # the supplier's step
    assert step(supplier, "shipped").status_code == 409  # out of order
    for status in ("in_production", "quality_checked", "shipped"):
        assert step(supplier, status).status_code == 200
    assert step(supplier, "delivered").status_code == 403  # the buyer confirms receipt
    response = step(buyer, "delivered", "All rolls received")
    assert response.status_code == 200
    assert [e["status"] for e in response.json()["events"]] == [
        "confirmed",
        "in_production",
        "quality_checked",
        "shipped",
        "delivered",
    ]

    # Ratings: hidden until both sides have rated, then reputation rolls up
    rate = {"quality": 5, "on_time": 5, "communication": 4, "comment": "Great fabric"}
    assert buyer.post(market.url(f"deals/{deal_id}/rate/"), rate).status_code == 201
    assert buyer.get(market.url(f"deals/{deal_id}/")).json()["ratings"] == []
    assert buyer.post(market.url(f"deals/{deal_id}/rate/"), rate).status_code == 409
    assert supplier.post(market.url(f"deals/{deal_id}/rate/"), {**rate, "quality": 4}).status_code == 201
    assert len(buyer.get(market.url(f"deals/{deal_id}/")).json()["ratings"]) == 2
    reputation = Reputation.objects.get(cluster=market.cluster, enterprise=market.supplier)
    assert reputation.deals_completed == 1
    assert reputation.on_time_rate == 1.0
    assert reputation.average_score == pytest.approx((5 + 5 + 4) / 3)
    assert Deal.objects.get(pk=deal_id).status == "delivered"
    assert step(buyer, "closed").status_code == 200


def test_full_run_by_an_administrator_is_idempotent(as_user, market, django_capture_on_commit_callbacks):
    supplier, buyer = as_user(market.supplier_owner), as_user(market.buyer_owner)
    supplier.post(market.url("capacities/"), capacity_body(market.supplier), format="json")
    buyer.post(market.url("orders/"), order_body(market), format="json")  # no on-commit: nothing matched yet
    assert not Match.objects.exists()

    admin = as_user(market.admin)
    assert as_user(market.buyer_owner).post(market.url("matching-runs/")).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(market.url("matching-runs/"))
    assert response.status_code == 202
    run = admin.get(market.url(f"matching-runs/{response.json()['id']}/")).json()
    assert run["status"] == "succeeded" and run["progress"] == 100
    assert run["counts"]["production_proposals_created"] == 1
    first = list(Match.objects.filter(status="proposed").values_list("order_id", "capacity_id", "quantity"))

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(market.url("matching-runs/"))
    run = admin.get(market.url(f"matching-runs/{response.json()['id']}/")).json()
    assert run["counts"]["production_proposals_created"] == 0
    assert run["counts"]["production_proposals_kept"] == 1
    assert list(Match.objects.filter(status="proposed").values_list("order_id", "capacity_id", "quantity")) == first
    assert Match.objects.count() == 1
