"""Negotiation before acceptance, through the API: offers, counters, acceptance on the negotiated terms."""

import datetime

import pytest
from django.utils import timezone

from apps.dealroom.models import Offer
from apps.dealroom.services.offers import offers_expire
from apps.marketplace.models import CapacityOffer, Deal, Match, Order
from apps.notifications.models import Notification
from tests.factories.governance import RuleVersionFactory
from tests.queries import cold_queries

from .conftest import capacity_body, days, order_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(as_user, market, django_capture_on_commit_callbacks):
    """A capacity offer and an order posted through the API, matched on commit: one proposal of 2,000."""
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            supplier.post(market.url("capacities/"), capacity_body(market.supplier), format="json").status_code == 201
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert buyer.post(market.url("orders/"), order_body(market), format="json").status_code == 201
    match = Match.objects.get(cluster=market.cluster, status="proposed")
    assert match.quantity == 2000
    return match


def terms(**overrides):
    body = {
        "quantity": 1500,
        "unit_price": "16.90",
        "delivery_date": days(50),
        "lot_size": 500,
        "payment_terms": "net_30",
        "note": "Half now, the rest next month?",
    }
    body.update(overrides)
    return body


def test_a_counter_offer_on_price_and_date_accepted_makes_the_deal_on_the_negotiated_terms(as_user, market, proposed):
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    url = market.url(f"matches/{proposed.pk}/offers/")
    # the buyer offers less, cheaper, later
    made = buyer.post(url, terms(), format="json")
    assert made.status_code == 201, made.content
    first = made.json()
    assert (first["side"], first["status"], first["quantity"], first["unit_price"]) == ("demand", "open", 1500, "16.90")
    assert Match.objects.get(pk=proposed.pk).negotiating_since is not None
    assert Notification.objects.filter(user=market.supplier_owner, kind="dealroom.offer_made").count() == 1
    # one open offer per match: the buyer cannot stack another, nor accept its own
    assert buyer.post(url, terms(), format="json").status_code == 409
    assert buyer.post(f"{url}{first['id']}/accept/").status_code == 403
    # the supplier counters on price and date
    countered = supplier.post(
        f"{url}{first['id']}/counter/",
        terms(unit_price="17.40", delivery_date=days(45), payment_terms="deposit_30", note=""),
        format="json",
    )
    assert countered.status_code == 201, countered.content
    counter = countered.json()
    assert (counter["answers"], counter["side"], counter["status"]) == (first["id"], "supply", "open")
    assert Offer.objects.get(pk=first["id"]).status == "countered"
    # a counter on the superseded offer is refused, nothing written
    again = buyer.post(f"{url}{first['id']}/counter/", terms(), format="json")
    assert again.status_code == 409
    assert Offer.objects.filter(match=proposed).count() == 2
    # the buyer accepts the counter: a deal on its terms, its quantity reserved
    accepted = buyer.post(f"{url}{counter['id']}/accept/")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    deal = Deal.objects.get(match=proposed)
    assert accepted.json()["deal"] == deal.pk
    assert (deal.quantity, str(deal.unit_price), deal.due_date.isoformat()) == (1500, "17.40", days(45))
    assert deal.terms == {"payment_terms": "deposit_30", "lot_size": 500, "offer": counter["id"]}
    assert deal.planned["delivered"] == days(45)
    assert deal.events.get().code == "terms_accepted"
    match = Match.objects.get(pk=proposed.pk)
    assert (match.status, match.quantity, match.negotiating_since) == ("accepted", 1500, None)
    assert match.demand_accepted_at and match.supply_accepted_at
    assert CapacityOffer.objects.get(pk=proposed.capacity_id).reserved_quantity == 1500
    order = Order.objects.get(pk=proposed.order_id)
    assert (order.filled_quantity, order.status) == (1500, "partially_filled")
    assert Notification.objects.filter(user=market.supplier_owner, kind="dealroom.offer_accepted").count() == 1
    # the history is kept, newest first, each linked to the one it answers
    history = supplier.get(url).json()["results"]
    assert [(o["id"], o["status"], o["answers"]) for o in history] == [
        (counter["id"], "accepted", first["id"]),
        (first["id"], "countered", None),
    ]
    # an accepted match takes no new offer
    assert supplier.post(url, terms(), format="json").status_code == 409


def test_declining_keeps_the_match_open_and_ends_the_negotiation(as_user, market, proposed):
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    url = market.url(f"matches/{proposed.pk}/offers/")
    offer = supplier.post(url, terms(unit_price="19.00"), format="json").json()
    declined = buyer.post(f"{url}{offer['id']}/decline/")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    match = Match.objects.get(pk=proposed.pk)
    assert (match.status, match.negotiating_since) == ("proposed", None)
    assert buyer.post(f"{url}{offer['id']}/accept/").status_code == 409
    assert Deal.objects.count() == 0
    # the match can still be accepted as proposed, or negotiated again
    assert buyer.post(url, terms(), format="json").status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (terms(unit_price="0"), "unit_price"),
        (terms(unit_price="-3"), "unit_price"),
        (terms(quantity=0), "quantity"),
        (terms(quantity=2001), "quantity"),  # more than the order still needs
        (terms(lot_size=1600), "lot_size"),
        (terms(payment_terms="net_365"), "payment_terms"),
        (terms(delivery_date="2001-01-01"), "delivery_date"),
        (terms(delivery_date="9999-01-01"), "delivery_date"),
        (terms(delivery_date="soon"), "delivery_date"),
        ({k: v for k, v in terms().items() if k != "unit_price"}, "unit_price"),
    ],
)
def test_bad_terms_are_refused_naming_the_field_and_nothing_is_written(as_user, market, proposed, body, field):
    response = as_user(market.buyer_owner).post(market.url(f"matches/{proposed.pk}/offers/"), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Offer.objects.exists()
    assert Match.objects.get(pk=proposed.pk).negotiating_since is None


def test_payment_terms_come_from_the_rulebook(as_user, market, proposed):
    buyer = as_user(market.buyer_owner)
    url = market.url(f"matches/{proposed.pk}/offers/")
    RuleVersionFactory(cluster=market.cluster, changes={"dealroom.payment_terms.net_60": False})
    response = buyer.post(url, terms(payment_terms="net_60"), format="json")
    assert response.status_code == 400
    assert "payment_terms" in response.json()["errors"]
    assert buyer.post(url, terms(payment_terms="prepayment"), format="json").status_code == 201


def test_only_the_two_sides_see_or_make_offers(as_user, market, proposed):
    url = market.url(f"matches/{proposed.pk}/offers/")
    offer = as_user(market.buyer_owner).post(url, terms(), format="json").json()
    for user in (market.rival_owner, market.admin, market.outsider_admin, market.foreign_owner):
        client = as_user(user)
        assert client.get(url).status_code in (403, 404)
        assert client.get(f"{url}{offer['id']}/").status_code in (403, 404)
        assert client.post(f"{url}{offer['id']}/accept/").status_code in (403, 404)
        assert client.post(url, terms(), format="json").status_code in (403, 404)
    assert as_user(market.rival_owner).get(url).status_code == 404  # a member who is not a side: not found
    assert Offer.objects.get().status == "open"


def test_an_expired_offer_cannot_be_accepted_and_housekeeping_is_idempotent(as_user, market, proposed):
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    url = market.url(f"matches/{proposed.pk}/offers/")
    offer = buyer.post(url, terms(), format="json").json()
    Offer.objects.filter(pk=offer["id"]).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    refused = supplier.post(f"{url}{offer['id']}/accept/")
    assert refused.status_code == 409 and refused.json()["code"] == "expired"
    assert Deal.objects.count() == 0
    assert offers_expire() == {"offers_expired": 1, "offers_closed": 0, "negotiations_settled": 1}
    assert offers_expire() == {"offers_expired": 0, "offers_closed": 0, "negotiations_settled": 0}
    assert Offer.objects.get(pk=offer["id"]).status == "expired"
    assert Match.objects.get(pk=proposed.pk).negotiating_since is None


def test_an_offer_left_open_when_the_match_is_accepted_as_proposed_is_closed(as_user, market, proposed):
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    url = market.url(f"matches/{proposed.pk}/offers/")
    offer = buyer.post(url, terms(), format="json").json()
    assert buyer.post(market.url(f"matches/{proposed.pk}/accept/")).status_code == 200
    assert supplier.post(market.url(f"matches/{proposed.pk}/accept/")).json()["status"] == "accepted"
    assert Deal.objects.get(match=proposed).quantity == 2000  # the proposed terms
    assert supplier.post(f"{url}{offer['id']}/accept/").status_code == 409
    assert offers_expire()["offers_closed"] == 1
    assert Offer.objects.get(pk=offer["id"]).status == "closed"


def test_the_offer_list_is_bounded_in_queries(as_user, market, proposed):
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    url = market.url(f"matches/{proposed.pk}/offers/")
    offer = buyer.post(url, terms(), format="json").json()
    with cold_queries() as few:
        assert supplier.get(url).status_code == 200
    for price in ("17.00", "17.10", "17.20", "17.30"):
        side = supplier if offer["side"] == "demand" else buyer
        offer = side.post(f"{url}{offer['id']}/counter/", terms(unit_price=price), format="json").json()
    with cold_queries() as many:
        assert len(supplier.get(url).json()["results"]) == 5
    assert len(many) == len(few)
