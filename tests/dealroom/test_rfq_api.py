"""Requests for quotation through the API: three suppliers asked, three quotes, two awarded (split)."""

import datetime

import pytest
from django.utils import timezone

from apps.core.dates import format_utc
from apps.dealroom.models import Offer, RequestForQuotation, RfqInvitation
from apps.marketplace.models import CapacityOffer, Deal, Match, Order
from apps.notifications.models import Notification
from tests.factories import UserFactory
from tests.factories.marketplace import ReputationFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.queries import cold_queries

from .conftest import capacity_body, days, order_body

pytestmark = pytest.mark.django_db


def in_hours(hours: float) -> str:
    return format_utc(timezone.now() + datetime.timedelta(hours=hours))


@pytest.fixture
def scene(as_user, market):
    """An order of 2,000 (no certification required) and three suppliers with weaving capacity."""
    third_owner = UserFactory()
    third = EnterpriseFactory(
        owner=third_owner, legal_name_en="Suzhou Third Weaving", latitude="31.3", longitude="120.6"
    )
    MembershipFactory(cluster=market.cluster, enterprise=third)
    market.third, market.third_owner = third, third_owner
    suppliers = {market.supplier: market.supplier_owner, market.rival: market.rival_owner, third: third_owner}
    capacities = {}
    for enterprise, owner in suppliers.items():
        response = as_user(owner).post(market.url("capacities/"), capacity_body(enterprise), format="json")
        assert response.status_code == 201, response.content
        capacities[enterprise.pk] = response.json()["id"]
    order = as_user(market.buyer_owner).post(
        market.url("orders/"), order_body(market, required_certifications=[]), format="json"
    )
    assert order.status_code == 201, order.content
    ReputationFactory(cluster=market.cluster, enterprise=market.rival, deals_completed=4, on_time_rate=0.75)
    return {"order": order.json()["id"], "capacities": capacities}


def quote(**overrides):
    body = {"quantity": 1200, "unit_price": "17.20", "delivery_date": days(40), "payment_terms": "net_30"}
    body.update(overrides)
    return body


def test_an_rfq_to_three_suppliers_three_quotes_awarded_to_two_split_makes_two_deals(as_user, market, scene):
    buyer = as_user(market.buyer_owner)
    created = buyer.post(
        market.url("rfqs/"),
        {
            "order": scene["order"],
            "suppliers": [market.supplier.pk, market.rival.pk, market.third.pk],
            "deadline": in_hours(48),
            "message": "Woven shirting, two colours",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    rfq = created.json()
    assert rfq["quantity"] == 2000
    assert {i["supplier"]["id"] for i in rfq["invitations"]} == {market.supplier.pk, market.rival.pk, market.third.pk}
    assert all(0 < i["score"] <= 1 for i in rfq["invitations"])
    assert Notification.objects.filter(kind="dealroom.rfq_invited").count() == 3
    # each supplier sees the request (only its own invitation) and quotes
    url = market.url(f"rfqs/{rfq['id']}/quotes/")
    bodies = {
        market.supplier_owner: quote(quantity=1200, unit_price="17.20", payment_terms="deposit_30"),
        market.rival_owner: quote(quantity=1000, unit_price="16.80", delivery_date=days(35)),
        market.third_owner: quote(quantity=2000, unit_price="18.00"),
    }
    ids = {}
    for owner, body in bodies.items():
        seen = as_user(owner).get(market.url(f"rfqs/{rfq['id']}/")).json()
        assert len(seen["invitations"]) == 1
        response = as_user(owner).post(url, body, format="json")
        assert response.status_code == 201, response.content
        ids[owner] = response.json()["id"]
    assert as_user(market.rival_owner).post(url, quote(), format="json").status_code == 400  # quotes once
    # a supplier sees only its own quote; the buyer compares all three: price, date, score, reputation
    assert [q["id"] for q in as_user(market.rival_owner).get(url).json()] == [ids[market.rival_owner]]
    compared = buyer.get(url).json()
    assert [q["unit_price"] for q in compared] == ["16.80", "17.20", "18.00"]
    rival_row = compared[0]
    assert rival_row["reputation"] == {
        "deals_completed": 4,
        "on_time_rate": 0.75,
        "average_score": None,
        "ratings_count": 0,
    }
    assert all(0 < q["score"] <= 1 and q["delivery_date"] for q in compared)
    assert compared[1]["reputation"] is None
    # more than the order's remaining quantity in total: refused, naming the field, nothing written
    over = buyer.post(
        market.url(f"rfqs/{rfq['id']}/award/"),
        {"awards": [{"quote": ids[market.rival_owner]}, {"quote": ids[market.supplier_owner]}]},  # 1,000 + 1,200
        format="json",
    )
    assert over.status_code == 400 and "awards" in over.json()["errors"]
    assert (Deal.objects.count(), Match.objects.count()) == (0, 0)
    assert Offer.objects.filter(status="open").count() == 3
    # award to two, splitting the 2,000
    awarded = buyer.post(
        market.url(f"rfqs/{rfq['id']}/award/"),
        {"awards": [{"quote": ids[market.rival_owner]}, {"quote": ids[market.supplier_owner], "quantity": 1000}]},
        format="json",
    )
    assert awarded.status_code == 200, awarded.content
    assert awarded.json()["status"] == "awarded"
    deals = {d.supplier_id: d for d in Deal.objects.select_related("match")}
    assert set(deals) == {market.rival.pk, market.supplier.pk}
    rival_deal, supplier_deal = deals[market.rival.pk], deals[market.supplier.pk]
    assert (rival_deal.quantity, str(rival_deal.unit_price), rival_deal.due_date.isoformat()) == (
        1000,
        "16.80",
        days(35),
    )
    assert (supplier_deal.quantity, str(supplier_deal.unit_price)) == (1000, "17.20")
    assert supplier_deal.terms["payment_terms"] == "deposit_30"
    assert supplier_deal.terms["quote"] == ids[market.supplier_owner]
    for deal in deals.values():
        assert deal.match.status == "accepted" and deal.match.demand_accepted_at and deal.match.supply_accepted_at
        assert deal.buyer_id == market.buyer.pk
    assert CapacityOffer.objects.get(pk=scene["capacities"][market.rival.pk]).reserved_quantity == 1000
    assert CapacityOffer.objects.get(pk=scene["capacities"][market.supplier.pk]).reserved_quantity == 1000
    assert CapacityOffer.objects.get(pk=scene["capacities"][market.third.pk]).reserved_quantity == 0
    order = Order.objects.get(pk=scene["order"])
    assert (order.filled_quantity, order.status) == (2000, "filled")
    # the others are closed and every supplier hears of it
    assert Offer.objects.get(pk=ids[market.third_owner]).status == "closed"
    assert Offer.objects.get(pk=ids[market.supplier_owner]).awarded_quantity == 1000
    assert RfqInvitation.objects.get(supplier=market.third).status == "closed"
    assert Notification.objects.filter(user=market.third_owner, kind="dealroom.quote_closed").count() == 1
    assert Notification.objects.filter(kind="dealroom.quote_awarded").count() == 2
    # an awarded request takes no more awards or quotes
    assert (
        buyer.post(
            market.url(f"rfqs/{rfq['id']}/award/"), {"awards": [{"quote": ids[market.third_owner]}]}, format="json"
        ).status_code
        == 409
    )


def test_the_engine_proposes_the_best_suppliers(as_user, market, scene):
    response = as_user(market.buyer_owner).post(
        market.url("rfqs/"), {"order": scene["order"], "best": 2, "deadline": in_hours(24)}, format="json"
    )
    assert response.status_code == 201, response.content
    invitations = response.json()["invitations"]
    assert len(invitations) == 2
    assert all(i["proposed_by_engine"] for i in invitations)
    assert invitations[0]["score"] >= invitations[1]["score"]
    # the ranking is the engine's: the same scores as the matching engine gives these pairs
    from apps.dealroom.services.rfq import ranked_suppliers

    ranked = ranked_suppliers(Order.objects.get(pk=scene["order"]))
    assert [i["capacity"] for i in invitations] == [r["capacity_id"] for r in ranked[:2]]


def test_a_quote_after_the_deadline_is_refused(as_user, market, scene):
    rfq = (
        as_user(market.buyer_owner)
        .post(
            market.url("rfqs/"),
            {"order": scene["order"], "suppliers": [market.rival.pk], "deadline": in_hours(1)},
            format="json",
        )
        .json()
    )
    RequestForQuotation.objects.filter(pk=rfq["id"]).update(deadline=timezone.now() - datetime.timedelta(seconds=1))
    late = as_user(market.rival_owner).post(market.url(f"rfqs/{rfq['id']}/quotes/"), quote(), format="json")
    assert late.status_code == 409 and "deadline" in late.json()["errors"]
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"suppliers": []}, "suppliers"),  # neither suppliers nor best
        ({"suppliers": [1], "best": 2}, "suppliers"),  # both
        ({"best": 51}, "best"),
        ({"best": 2, "deadline": "2001-01-01T00:00:00Z"}, "deadline"),
        ({"best": 2, "deadline": "not a date"}, "deadline"),
        ({"best": 2, "order": 10**17}, "order"),
    ],
)
def test_bad_rfqs_are_refused_naming_the_field(as_user, market, scene, body, field):
    full = {"order": scene["order"], "deadline": in_hours(24), **body}
    response = as_user(market.buyer_owner).post(market.url("rfqs/"), full, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not RequestForQuotation.objects.exists()


def test_a_supplier_without_capacity_of_the_capability_cannot_be_asked(as_user, market, scene):
    response = as_user(market.buyer_owner).post(
        market.url("rfqs/"),
        {"order": scene["order"], "suppliers": [market.buyer.pk], "deadline": in_hours(24)},
        format="json",
    )
    assert response.status_code == 400 and "suppliers" in response.json()["errors"]


def test_only_the_buyer_and_the_invited_see_an_rfq_and_only_the_buyer_awards(as_user, market, scene):
    rfq = (
        as_user(market.buyer_owner)
        .post(
            market.url("rfqs/"),
            {"order": scene["order"], "suppliers": [market.rival.pk], "deadline": in_hours(24)},
            format="json",
        )
        .json()
    )
    quote_id = (
        as_user(market.rival_owner).post(market.url(f"rfqs/{rfq['id']}/quotes/"), quote(), format="json").json()["id"]
    )
    for user in (market.supplier_owner, market.foreign_owner, market.outsider_admin):  # not invited / other cluster
        client = as_user(user)
        assert client.get(market.url(f"rfqs/{rfq['id']}/")).status_code in (403, 404)
        assert client.get(market.url(f"rfqs/{rfq['id']}/quotes/")).status_code in (403, 404)
    assert as_user(market.supplier_owner).get(market.url(f"rfqs/{rfq['id']}/")).status_code == 404
    assert as_user(market.supplier_owner).get(market.url("rfqs/")).json()["results"] == []
    award = as_user(market.rival_owner).post(
        market.url(f"rfqs/{rfq['id']}/award/"), {"awards": [{"quote": quote_id}]}, format="json"
    )
    assert award.status_code == 403
    assert not Deal.objects.exists()


def test_the_rfq_list_is_bounded_in_queries(as_user, market, scene):
    buyer = as_user(market.buyer_owner)
    body = {"order": scene["order"], "suppliers": [market.rival.pk, market.supplier.pk], "deadline": in_hours(24)}
    assert buyer.post(market.url("rfqs/"), body, format="json").status_code == 201
    with cold_queries() as few:
        assert len(buyer.get(market.url("rfqs/")).json()["results"]) == 1
    for _ in range(4):
        assert buyer.post(market.url("rfqs/"), body, format="json").status_code == 201
    with cold_queries() as many:
        assert len(buyer.get(market.url("rfqs/")).json()["results"]) == 5
    assert len(many) == len(few)
