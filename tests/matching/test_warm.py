"""The worker's warm capacity index (apps/matching/warm.py): a new offer is seen at once (the
market generation its posting bumps), the free quantities follow the open proposals without
any bump, and a warm plan proposes exactly what a cold one does."""

import pytest
from django.utils import timezone

from apps.marketplace.models import Match
from apps.marketplace.services.listings import listing_create
from apps.matching import planner, warm
from apps.matching.rules import matching_rules, rulebook_version
from tests.factories import ClusterFactory
from tests.marketplace.conftest import capacity_fields, market, order_fields, post_listing  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold_worker(monkeypatch):
    warm.clear()
    monkeypatch.setattr(warm, "stats", {"hits": 0, "builds": 0, "requantified": 0})
    yield
    warm.clear()


def _post_order(market, post_listing, quantity):  # noqa: F811
    return post_listing(
        "order",
        actor=market.buyer_owner,
        owner=market.buyer,
        cluster=market.cluster,
        **order_fields(quantity=quantity, min_lot=100),
    )


def _proposed(order):
    return sorted(Match.objects.filter(order=order, status="proposed").values_list("capacity_id", "quantity"))


def _plans(cluster, order):
    """The cold plan (everything loaded afresh) and the warm one (the worker's index) for ``order``."""
    today = timezone.localdate()
    rules, version = matching_rules(cluster=cluster, today=today), rulebook_version(cluster=cluster)
    exclude = planner.excluded_pairs(planner.PRODUCTION, cluster)
    demands, supplies = planner.load_inputs(
        planner.PRODUCTION, cluster, today, demand_ids=[order.pk], subtract_all_open=True
    )
    cold = planner.solve(planner.PRODUCTION, demands, supplies, rules, exclude)
    index = warm.supply_index(cluster, today, rules, version, {d.capability for d in demands})
    hot = planner.solve(planner.PRODUCTION, demands, (), rules, exclude, index=index)
    return [(a.supply_id, a.quantity, a.score) for a in cold.allocations], [
        (a.supply_id, a.quantity, a.score) for a in hot.allocations
    ]


def test_a_warm_index_sees_new_offers_follows_open_proposals_and_plans_as_a_cold_one(
    market,  # noqa: F811
    post_listing,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    first = post_listing(
        "capacity", actor=market.supplier_owner, owner=market.supplier, cluster=market.cluster, **capacity_fields()
    )
    one = _post_order(market, post_listing, 2000)
    assert _proposed(one) == [(first.pk, 2000)] and warm.stats["builds"] == 1

    # a new offer bumps the capacity generation: the next order's run rebuilds and sees it
    second = post_listing(
        "capacity", actor=market.rival_owner, owner=market.rival, cluster=market.cluster, **capacity_fields()
    )
    two = _post_order(market, post_listing, 2500)
    assert second.pk in {capacity for capacity, _q in _proposed(two)}
    assert warm.stats["builds"] == 2
    assert sum(q for _c, q in _proposed(one) + _proposed(two)) == 4500

    # an order posted while no worker ran: the warm index has only seen the proposals change
    with django_capture_on_commit_callbacks(execute=False):  # its matching task is never sent
        three = listing_create(
            actor=market.buyer_owner,
            cluster=market.cluster,
            listing_kind="order",
            owner=market.buyer,
            **order_fields(quantity=2000, min_lot=100),
        )
    cold, hot = _plans(market.cluster, three)
    assert warm.stats["builds"] == 2 and warm.stats["hits"] == 1 and warm.stats["requantified"] >= 1
    assert hot == cold
    assert sum(q for _s, q, _score in cold) == 6000 - 4500  # only what the open proposals leave free


def test_the_worker_keeps_a_bounded_number_of_clusters(market, monkeypatch):  # noqa: F811
    monkeypatch.setattr(warm, "MAX_CLUSTERS", 1)
    today = timezone.localdate()
    for cluster in (market.cluster, ClusterFactory(), market.cluster):
        rules = matching_rules(cluster=cluster, today=today)
        warm.supply_index(cluster, today, rules, rulebook_version(cluster=cluster), {"weaving"})
    assert list(warm._entries) == [(market.cluster.pk, planner.PRODUCTION.kind)]
    assert warm.stats == {"hits": 0, "builds": 3, "requantified": 0}  # the first entry was evicted


def test_without_generations_nothing_is_kept(market, monkeypatch):  # noqa: F811
    monkeypatch.setattr(warm.generations, "current", lambda scope: None)  # the cache is away
    today = timezone.localdate()
    rules = matching_rules(cluster=market.cluster, today=today)
    for _ in range(2):
        warm.supply_index(market.cluster, today, rules, rulebook_version(cluster=market.cluster), {"weaving"})
    assert warm.stats["builds"] == 2 and not warm._entries


def test_an_orders_pass_gives_the_exact_programmes_a_bounded_time(market, post_listing, monkeypatch):  # noqa: F811
    """A pass of a burst's orders proves its optimum for at most ``INCREMENTAL_MIP_SECONDS`` in all
    (then takes the best plan found), so it ends in seconds; it still proposes the optimum here."""
    from apps.matching.engine import solver

    budgets, real = [], solver.exact_by_component
    monkeypatch.setattr(solver, "exact_by_component", lambda c, t: budgets.append(t) or real(c, t))
    capacity = post_listing(
        "capacity", actor=market.supplier_owner, owner=market.supplier, cluster=market.cluster, **capacity_fields()
    )
    order = _post_order(market, post_listing, 1500)
    assert budgets and set(budgets) == {planner.INCREMENTAL_MIP_SECONDS}  # the capacity's pass, then the order's
    assert planner.INCREMENTAL_MIP_SECONDS < solver.MIP_SECONDS
    assert _proposed(order) == [(capacity.pk, 1500)]
