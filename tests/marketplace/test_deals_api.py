"""Deals beyond the happy path: cancellation releases the quantity, disputes, expiry, late ratings."""

import datetime

import pytest
from django.utils import timezone

from apps.marketplace.models import CapacityOffer, Deal, Match, Order, Rating, Reputation
from apps.marketplace.tasks import housekeeping

from .conftest import capacity_body, order_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(as_user, market, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        as_user(market.supplier_owner).post(market.url("capacities/"), capacity_body(market.supplier), format="json")
        as_user(market.buyer_owner).post(market.url("orders/"), order_body(market), format="json")
    match = Match.objects.get()
    as_user(market.buyer_owner).post(market.url(f"matches/{match.pk}/accept/"))
    as_user(market.supplier_owner).post(market.url(f"matches/{match.pk}/accept/"))
    return Deal.objects.get(match=match)


def advance(client, market, deal, status, note=""):
    return client.post(market.url(f"deals/{deal.pk}/advance/"), {"status": status, "note": note}, format="json")


def test_cancelling_releases_the_quantity(as_user, market, deal):
    buyer = as_user(market.buyer_owner)
    assert advance(buyer, market, deal, "cancelled").status_code == 400  # a reason is required
    response = advance(buyer, market, deal, "cancelled", "Customer withdrew the order")
    assert response.status_code == 200
    assert response.json()["reason"] == "Customer withdrew the order"
    capacity, order = CapacityOffer.objects.get(), Order.objects.get()
    assert (capacity.reserved_quantity, capacity.status) == (0, "open")
    assert (order.filled_quantity, order.status) == (0, "open")
    assert advance(buyer, market, deal, "in_production").status_code == 409


def test_disputes_and_who_may_see_a_deal(as_user, market, deal):
    supplier = as_user(market.supplier_owner)
    assert advance(supplier, market, deal, "in_production").status_code == 200
    assert advance(supplier, market, deal, "disputed").status_code == 400
    assert advance(supplier, market, deal, "disputed", "Payment terms changed").json()["status"] == "disputed"
    assert advance(as_user(market.rival_owner), market, deal, "cancelled", "x").status_code == 404
    assert as_user(market.rival_owner).get(market.url(f"deals/{deal.pk}/")).status_code == 404
    assert as_user(market.admin).get(market.url(f"deals/{deal.pk}/")).status_code == 200
    assert as_user(market.outsider_admin).get(market.url(f"deals/{deal.pk}/")).status_code == 403


def test_attachments_are_metadata_checked(as_user, market, deal):
    supplier = as_user(market.supplier_owner)
    response = supplier.post(
        market.url(f"deals/{deal.pk}/advance/"),
        {"status": "in_production", "attachments": [{"name": "plan.pdf", "size": -1, "content_type": "pdf"}]},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"attachments.0.size", "attachments.0.content_type"}
    response = supplier.post(
        market.url(f"deals/{deal.pk}/advance/"),
        {
            "status": "in_production",
            "attachments": [{"name": "plan.pdf", "size": 2048, "content_type": "application/pdf"}],
        },
        format="json",
    )
    assert response.json()["events"][-1]["attachments"][0]["name"] == "plan.pdf"


def test_rating_before_delivery_is_refused_and_late_ratings_publish_after_seven_days(as_user, market, deal):
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    rate = {"quality": 4, "on_time": 3, "communication": 5}
    assert buyer.post(market.url(f"deals/{deal.pk}/rate/"), rate).status_code == 409
    for status in ("in_production", "quality_checked", "shipped"):
        advance(supplier, market, deal, status)
    advance(buyer, market, deal, "delivered")
    assert buyer.post(market.url(f"deals/{deal.pk}/rate/"), {**rate, "quality": 6}).status_code == 400
    assert buyer.post(market.url(f"deals/{deal.pk}/rate/"), rate).status_code == 201
    housekeeping()
    assert Rating.objects.get().published_at is None  # the supplier may still rate
    Deal.objects.filter(pk=deal.pk).update(delivered_at=timezone.now() - datetime.timedelta(days=8))
    assert housekeeping()["ratings_published"] == 1
    assert housekeeping()["ratings_published"] == 0  # idempotent
    assert Reputation.objects.get(enterprise=market.supplier).average_score == pytest.approx(4)


def test_unanswered_proposals_expire(as_user, market, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        as_user(market.supplier_owner).post(market.url("capacities/"), capacity_body(market.supplier), format="json")
        as_user(market.buyer_owner).post(market.url("orders/"), order_body(market), format="json")
    match = Match.objects.get()
    Match.objects.filter(pk=match.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = as_user(market.buyer_owner).post(market.url(f"matches/{match.pk}/accept/"))
    assert response.status_code == 409
    assert response.json()["code"] == "expired"
    assert housekeeping()["matches_expired"] == 1
    assert Match.objects.get().status == "expired"


def test_declining_replans_the_demand_elsewhere(as_user, market, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        as_user(market.supplier_owner).post(market.url("capacities/"), capacity_body(market.supplier), format="json")
        as_user(market.rival_owner).post(
            market.url("capacities/"), capacity_body(market.rival, unit_price="18.90"), format="json"
        )
        as_user(market.buyer_owner).post(
            market.url("orders/"), order_body(market, required_certifications=[]), format="json"
        )
    first = Match.objects.get(status="proposed")
    assert first.capacity.owner_id == market.supplier.pk  # nearer, cheaper
    with django_capture_on_commit_callbacks(execute=True):
        as_user(market.supplier_owner).post(market.url(f"matches/{first.pk}/decline/"), {"reason": "Fully booked"})
    replacement = Match.objects.get(status="proposed")
    assert replacement.capacity.owner_id == market.rival.pk


def test_withdrawing_a_supply_replans_its_demands_at_once(as_user, market, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = (
            as_user(market.supplier_owner)
            .post(market.url("capacities/"), capacity_body(market.supplier), format="json")
            .json()
        )
        as_user(market.rival_owner).post(
            market.url("capacities/"), capacity_body(market.rival, unit_price="18.90"), format="json"
        )
        as_user(market.buyer_owner).post(
            market.url("orders/"), order_body(market, required_certifications=[]), format="json"
        )
    assert Match.objects.get(status="proposed").capacity_id == first["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(market.supplier_owner).post(
            market.url(f"capacities/{first['id']}/transition/"), {"status": "cancelled"}
        )
    assert response.status_code == 200
    assert Match.objects.get(capacity_id=first["id"]).status == "withdrawn"
    assert Match.objects.get(status="proposed").capacity.owner_id == market.rival.pk
