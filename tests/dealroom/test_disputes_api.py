"""Disputes: a side opens one with a reason and evidence; the administrators see the queue, read
the evidence and decide (resume, partial delivery, cancel) with a reason: audited, notified to both
sides, counted in the reputation of the side it went against."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.dealroom.lifecycle import participants_may_include_admins
from apps.dealroom.models import Dispute
from apps.marketplace.models import CapacityOffer, Deal, Order, Reputation
from apps.membership.models import AuditEvent
from apps.notifications.models import Notification

from .conftest import PDF

pytestmark = pytest.mark.django_db

REASON = "Roll 3 is the wrong colour and the width is short."


def advance(client, market, deal, status, note=""):
    return client.post(market.url(f"deals/{deal.pk}/advance/"), {"status": status, "note": note}, format="json")


def open_dispute(client, market, deal, **body):
    return client.post(market.url(f"deals/{deal.pk}/dispute/"), {"reason": REASON, **body}, format="json")


@pytest.fixture
def producing(as_user, market, deal):
    assert advance(as_user(market.supplier_owner), market, deal, "in_production").status_code == 200
    return deal


def photo(client, market, deal) -> int:
    response = client.post(
        market.url(f"deals/{deal.pk}/documents/"),
        {"file": SimpleUploadedFile("roll3.pdf", PDF), "kind": "inspection_report"},
        format="multipart",
    )
    return response.json()["id"]


def test_opening_a_dispute(as_user, market, producing):
    buyer = as_user(market.buyer_owner)
    evidence = photo(buyer, market, producing)
    short = open_dispute(buyer, market, producing, reason="bad")
    assert short.status_code == 400 and list(short.json()["errors"]) == ["reason"]
    foreign = open_dispute(buyer, market, producing, documents=[evidence + 1000])
    assert foreign.status_code == 400 and list(foreign.json()["errors"]) == ["documents"]
    assert not Dispute.objects.exists() and Deal.objects.get().status == "in_production"  # nothing half-written
    assert open_dispute(as_user(market.rival_owner), market, producing).status_code == 404
    response = open_dispute(buyer, market, producing, documents=[evidence])
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["side"], body["status_before"], body["documents"]) == (
        "open",
        "buyer",
        "in_production",
        [evidence],
    )
    assert Deal.objects.get().status == "disputed"
    assert open_dispute(buyer, market, producing).status_code == 409
    assert AuditEvent.objects.filter(cluster=market.cluster, action="dispute_opened").count() == 1
    assert Notification.objects.filter(user=market.admin, kind="dealroom.dispute_opened").count() == 1
    assert participants_may_include_admins(producing.match)
    # the parties read it; the administrators see the queue and, while it is open, the evidence
    assert buyer.get(market.url(f"deals/{producing.pk}/dispute/")).json()["id"] == body["id"]
    admin = as_user(market.admin)
    assert [row["id"] for row in admin.get(market.url("disputes/?status=open")).json()["results"]] == [body["id"]]
    assert admin.get(market.url(f"documents/{evidence}/")).status_code == 200
    assert admin.get(market.url("disputes/?status=nonsense")).status_code == 400
    assert as_user(market.rival_owner).get(market.url("disputes/")).json()["count"] == 0
    assert as_user(market.rival_owner).get(market.url(f"deals/{producing.pk}/dispute/")).status_code == 404
    assert as_user(market.outsider_admin).get(market.url("disputes/")).status_code in (403, 404)


def test_the_plain_step_to_disputed_records_a_dispute_too(as_user, market, producing):
    supplier = as_user(market.supplier_owner)
    assert advance(supplier, market, producing, "disputed", "short").status_code == 400
    assert advance(supplier, market, producing, "disputed", "Payment terms changed").status_code == 200
    dispute = Dispute.objects.get()
    assert (dispute.side, dispute.status) == ("supplier", "open")
    # the buyer confirming delivery settles it between the sides
    assert advance(as_user(market.buyer_owner), market, producing, "delivered").status_code == 200
    assert Dispute.objects.get().status == "closed"
    assert not participants_may_include_admins(producing.match)


def decide(client, market, dispute_id, **body):
    return client.post(market.url(f"disputes/{dispute_id}/decide/"), body, format="json")


def test_resume_goes_back_and_counts_against_the_side(as_user, market, producing):
    dispute_id = open_dispute(as_user(market.buyer_owner), market, producing).json()["id"]
    assert decide(as_user(market.buyer_owner), market, dispute_id, outcome="resume", reason=REASON).status_code == 403
    admin = as_user(market.admin)
    assert list(decide(admin, market, dispute_id, outcome="resume", reason="no").json()["errors"]) == ["reason"]
    assert list(decide(admin, market, dispute_id, outcome="win", reason=REASON).json()["errors"]) == ["outcome"]
    response = decide(
        admin, market, dispute_id, outcome="resume", against="supplier", reason="Supplier re-dyes roll 3."
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["outcome"]) == ("decided", "resume")
    assert Deal.objects.get().status == "in_production"
    event = AuditEvent.objects.get(action="dispute_resume")
    assert (event.actor, event.enterprise_id, event.reason) == (
        market.admin,
        market.supplier.pk,
        "Supplier re-dyes roll 3.",
    )
    assert Reputation.objects.get(enterprise=market.supplier).disputes_lost == 1
    assert Reputation.objects.get(enterprise=market.buyer).disputes_lost == 0
    for user in (market.buyer_owner, market.supplier_owner):
        assert Notification.objects.filter(user=user, kind="dealroom.dispute_decided").count() == 1
    assert decide(admin, market, dispute_id, outcome="cancel", reason=REASON).status_code == 409
    assert not participants_may_include_admins(producing.match)
    assert as_user(market.outsider_admin).post(market.url(f"disputes/{dispute_id}/decide/")).status_code in (403, 404)


def test_partial_delivery_releases_the_rest(as_user, market, producing):
    quantity = producing.quantity
    capacity_before, order_before = CapacityOffer.objects.get(), Order.objects.get()
    dispute_id = open_dispute(as_user(market.buyer_owner), market, producing).json()["id"]
    admin = as_user(market.admin)
    for bad in (None, 0, quantity):
        response = decide(admin, market, dispute_id, outcome="partial", reason=REASON, delivered_quantity=bad)
        assert response.status_code == 400 and list(response.json()["errors"]) == ["delivered_quantity"], bad
    assert Dispute.objects.get().status == "open" and Deal.objects.get().quantity == quantity  # nothing half-written
    delivered = quantity - 300
    response = decide(admin, market, dispute_id, outcome="partial", reason=REASON, delivered_quantity=delivered)
    assert response.status_code == 200, response.content
    deal = Deal.objects.get()
    assert (deal.status, deal.quantity) == ("delivered", delivered)
    capacity, order = CapacityOffer.objects.get(), Order.objects.get()
    assert capacity.reserved_quantity == capacity_before.reserved_quantity - 300
    assert order.filled_quantity == order_before.filled_quantity - 300
    assert (
        deal.events.last().system_note
        == f"The administrators decided the dispute: {delivered} of {quantity} delivered."
    )


def test_cancel_releases_everything(as_user, market, producing):
    dispute_id = open_dispute(as_user(market.supplier_owner), market, producing).json()["id"]
    response = decide(as_user(market.admin), market, dispute_id, outcome="cancel", against="buyer", reason=REASON)
    assert response.status_code == 200
    assert Deal.objects.get().status == "cancelled"
    assert (CapacityOffer.objects.get().reserved_quantity, Order.objects.get().filled_quantity) == (0, 0)
    assert Reputation.objects.get(enterprise=market.buyer).disputes_lost == 1
