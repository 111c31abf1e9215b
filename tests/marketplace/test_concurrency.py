"""Acceptances racing on PostgreSQL: nothing oversold, one deal per match."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from apps.core.errors import ConflictError
from apps.marketplace.models import CapacityOffer, Deal, Match
from apps.marketplace.services.matches import match_accept
from tests.factories import UserFactory
from tests.factories.marketplace import CapacityOfferFactory, MatchFactory, OrderFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking races need PostgreSQL (CI runs it)"),
]


def make_capacity(market, total):
    today = timezone.localdate()
    return CapacityOfferFactory(
        cluster=market.cluster,
        owner=market.supplier,
        title="Looms",
        quantity_per_period=total,
        available_from=today,
        available_until=today + datetime.timedelta(days=30),
        total_quantity=total,
        unit_price=10,
        lead_time_days=5,
        latitude=30,
        longitude=120.58,
    )


def make_order(market, owner, quantity):
    return OrderFactory(
        cluster=market.cluster,
        owner=owner,
        title="Fabric",
        product_category="fabric",
        quantity=quantity,
        target_unit_price=11,
        need_by=timezone.localdate() + datetime.timedelta(days=40),
        delivery_latitude=30.27,
        delivery_longitude=120.15,
        splittable=False,
    )


def make_match(market, order, capacity, quantity, *, supply_accepted=True):
    return MatchFactory(
        cluster=market.cluster,
        order=order,
        capacity=capacity,
        quantity=quantity,
        breakdown={},
        supply_accepted_at=timezone.now() if supply_accepted else None,
    )


def race(callables):
    barrier = threading.Barrier(len(callables))
    outcomes = []
    lock = threading.Lock()

    def run(fn):
        try:
            barrier.wait()
            result = fn()
        except ConflictError as exc:
            result = exc
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(fn,)) for fn in callables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_twenty_acceptances_never_oversell_one_capacity(market):
    capacity = make_capacity(market, total=1000)
    buyers = []
    for _ in range(20):
        owner = UserFactory()
        enterprise = EnterpriseFactory(owner=owner)
        MembershipFactory(cluster=market.cluster, enterprise=enterprise)
        match = make_match(market, make_order(market, enterprise, 100), capacity, 100)
        buyers.append((owner, match))
    # 20 x 100 asked of 1,000 available: exactly ten deals, whatever the interleaving
    outcomes = race(
        [
            lambda owner=owner, match=match: match_accept(actor=owner, cluster=market.cluster, match_id=match.pk)
            for owner, match in buyers
        ]
    )
    capacity.refresh_from_db()
    assert capacity.reserved_quantity == 1000
    assert capacity.status == "filled"
    assert Deal.objects.count() == 10
    assert sum(isinstance(o, ConflictError) for o in outcomes) == 10
    assert Match.objects.filter(status="accepted").count() == 10


def test_two_acceptances_of_one_match_make_one_deal(market):
    capacity = make_capacity(market, total=500)
    order = make_order(market, market.buyer, 200)
    match = make_match(market, order, capacity, 200)
    outcomes = race([lambda: match_accept(actor=market.buyer_owner, cluster=market.cluster, match_id=match.pk)] * 2)
    assert Deal.objects.filter(match=match).count() == 1
    capacity.refresh_from_db()
    order.refresh_from_db()
    assert capacity.reserved_quantity == 200
    assert order.filled_quantity == 200
    assert sum(isinstance(o, ConflictError) for o in outcomes) == 1


def test_the_database_refuses_an_oversold_capacity(market):
    from django.db import IntegrityError, transaction

    capacity = make_capacity(market, total=100)
    with pytest.raises(IntegrityError), transaction.atomic():
        CapacityOffer.objects.filter(pk=capacity.pk).update(reserved_quantity=101)
