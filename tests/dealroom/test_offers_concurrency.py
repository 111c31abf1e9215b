"""Offers racing on PostgreSQL: one deal per match, never oversold, whatever the interleaving."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from apps.core.errors import ConflictError
from apps.dealroom.models import Offer
from apps.dealroom.services.offers import offer_accept, offer_make, offer_withdraw
from apps.marketplace.models import CapacityOffer, Deal, Match, Order
from apps.marketplace.services.matches import match_accept
from tests.factories import UserFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory, PersonFactory
from tests.marketplace.test_concurrency import make_capacity, make_match, make_order, race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking races need PostgreSQL (CI runs it)"),
]


def terms(quantity, price="9.40"):
    return {
        "quantity": quantity,
        "unit_price": Decimal(price),
        "delivery_date": timezone.localdate() + datetime.timedelta(days=30),
        "lot_size": 1,
        "payment_terms": "net_30",
    }


def splittable_order(market, owner, quantity):
    order = make_order(market, owner, quantity)
    Order.objects.filter(pk=order.pk).update(splittable=True)
    order.refresh_from_db()
    return order


def test_an_offer_accepted_while_the_match_is_accepted_as_proposed_makes_one_deal(market):
    capacity = make_capacity(market, total=1000)
    order = splittable_order(market, market.buyer, 500)
    match = make_match(market, order, capacity, 500, supply_accepted=True)  # the supplier accepted as proposed
    offer = offer_make(actor=market.buyer_owner, cluster=market.cluster, match_id=match.pk, terms=terms(300))
    outcomes = race(
        [
            lambda: offer_accept(
                actor=market.supplier_owner, cluster=market.cluster, match_id=match.pk, offer_id=offer.pk
            ),
            lambda: match_accept(actor=market.buyer_owner, cluster=market.cluster, match_id=match.pk),
        ]
    )
    assert sum(isinstance(o, ConflictError) for o in outcomes) == 1
    deal = Deal.objects.get(match=match)  # exactly one
    capacity.refresh_from_db()
    order.refresh_from_db()
    assert capacity.reserved_quantity == deal.quantity == order.filled_quantity
    assert deal.quantity in (300, 500)
    assert Match.objects.get(pk=match.pk).quantity == deal.quantity
    assert (Offer.objects.get(pk=offer.pk).status == "accepted") == (deal.quantity == 300)


def test_one_offer_accepted_twice_at_once_makes_one_deal(market):
    capacity = make_capacity(market, total=1000)
    order = splittable_order(market, market.buyer, 500)
    match = make_match(market, order, capacity, 500, supply_accepted=False)
    colleague = PersonFactory(enterprise=market.supplier, role="staff").user
    offer = offer_make(actor=market.buyer_owner, cluster=market.cluster, match_id=match.pk, terms=terms(400))
    outcomes = race(
        [
            lambda user=user: offer_accept(actor=user, cluster=market.cluster, match_id=match.pk, offer_id=offer.pk)
            for user in (market.supplier_owner, colleague)
        ]
    )
    assert sum(isinstance(o, ConflictError) for o in outcomes) == 1
    assert Deal.objects.filter(match=match).count() == 1
    capacity.refresh_from_db()
    assert capacity.reserved_quantity == 400


def test_two_offers_on_one_capacity_accepted_at_once_never_oversell_it(market):
    capacity = make_capacity(market, total=1000)
    offers = []
    for quantity in (700, 600):
        owner = UserFactory()
        buyer = EnterpriseFactory(owner=owner)
        MembershipFactory(cluster=market.cluster, enterprise=buyer)
        match = make_match(market, splittable_order(market, buyer, 800), capacity, 800, supply_accepted=False)
        offers.append(
            (owner, match, offer_make(actor=owner, cluster=market.cluster, match_id=match.pk, terms=terms(quantity)))
        )
    outcomes = race(
        [
            lambda match=match, offer=offer: offer_accept(
                actor=market.supplier_owner, cluster=market.cluster, match_id=match.pk, offer_id=offer.pk
            )
            for _owner, match, offer in offers
        ]
    )
    refused = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(refused) == 1 and refused[0].code == "insufficient_supply"
    assert Deal.objects.count() == 1
    capacity.refresh_from_db()
    assert capacity.reserved_quantity == Deal.objects.get().quantity <= capacity.total_quantity
    assert CapacityOffer.objects.get(pk=capacity.pk).reserved_quantity in (700, 600)
    # the refused acceptance wrote nothing: its offer is still open, its match still proposed
    assert Offer.objects.filter(status="open").count() == 1
    assert Match.objects.filter(status="proposed").count() == 1


def test_a_withdrawal_racing_an_acceptance_exactly_one_wins(market):
    capacity = make_capacity(market, total=1000)
    order = splittable_order(market, market.buyer, 500)
    match = make_match(market, order, capacity, 500, supply_accepted=False)
    offer = offer_make(actor=market.buyer_owner, cluster=market.cluster, match_id=match.pk, terms=terms(300))
    outcomes = race(
        [
            lambda: offer_accept(
                actor=market.supplier_owner, cluster=market.cluster, match_id=match.pk, offer_id=offer.pk
            ),
            lambda: offer_withdraw(
                actor=market.buyer_owner, cluster=market.cluster, match_id=match.pk, offer_id=offer.pk
            ),
        ]
    )
    assert sum(isinstance(o, ConflictError) for o in outcomes) == 1
    status = Offer.objects.get(pk=offer.pk).status
    deals = Deal.objects.filter(match=match).count()
    capacity.refresh_from_db()
    assert (status, deals, capacity.reserved_quantity) in (("accepted", 1, 300), ("withdrawn", 0, 0))
    assert Match.objects.get(pk=match.pk).status == ("accepted" if deals else "proposed")
