"""The allocation is optimal on small instances (exhaustive search), and the large-instance
method respects its bound and never falls below greedy."""

import datetime
import itertools
import random

import numpy as np
import pytest

from apps.matching import engine
from apps.matching.engine import candidates as stage
from apps.matching.engine import solver
from apps.matching.engine.scoring import production_factors
from apps.matching.engine.types import FACTORS

TODAY = datetime.date(2026, 12, 1)
CITIES = [("330600", 30.0, 120.58), ("320500", 31.3, 120.62), ("440300", 22.54, 114.06)]


def instance(seed, n_demands, n_supplies, max_quantity, capabilities=("weaving",)):
    rng = random.Random(seed)
    demands = [
        engine.Demand(
            id=i + 1,
            owner=100 + i,
            capability=rng.choice(capabilities),
            quantity=rng.randint(1, max_quantity),
            unit_price=rng.uniform(8, 12),
            currency="CNY",
            need_by=TODAY + datetime.timedelta(days=rng.randint(10, 60)),
            latitude=(city := rng.choice(CITIES))[1],
            longitude=city[2],
            region=city[0],
            required_certifications=frozenset(rng.sample(["iso9001", "iatf16949"], rng.randint(0, 1))),
            splittable=rng.random() < 0.6,
            min_lot=rng.randint(1, 2),
        )
        for i in range(n_demands)
    ]
    supplies = [
        engine.Supply(
            id=j + 1,
            owner=200 + j,
            capability=rng.choice(capabilities),
            quantity=rng.randint(1, max_quantity + 1),
            unit_price=rng.uniform(7, 12),
            currency="CNY",
            available_from=TODAY,
            available_until=TODAY + datetime.timedelta(days=30),
            lead_time_days=rng.randint(0, 12),
            min_order_quantity=rng.randint(1, 2),
            latitude=(city := rng.choice(CITIES))[1],
            longitude=city[2],
            region=city[0],
            certifications=frozenset(rng.sample(["iso9001", "iatf16949", "iso14001"], rng.randint(0, 3))),
            on_time_rate=rng.choice([None, rng.random()]),
            average_rating=rng.uniform(1, 5),
            deals_completed=rng.randint(0, 5),
        )
        for j in range(n_supplies)
    ]
    return demands, supplies, engine.Rules(today=TODAY, price_tolerance=0.15)


def exhaustive_optimum(c) -> float:
    best = 0.0
    ranges = [range(0, int(u) + 1) for u in c.upper]
    for combo in itertools.product(*ranges):
        x = np.array(combo, np.int64)
        if solver.is_valid(c, x):
            best = max(best, solver.objective(c, x))
    return best


@pytest.mark.parametrize("seed", range(60))
def test_engine_equals_the_exhaustive_optimum_on_small_instances(seed):
    demands, supplies, rules = instance(seed, n_demands=3, n_supplies=2, max_quantity=3)
    c = stage.generate(demands, supplies, rules)
    assert len(c) <= 6  # at most 4**6 plans to enumerate
    optimum = exhaustive_optimum(c)
    plan = engine.plan(demands, supplies, rules)
    assert plan.objective == pytest.approx(optimum, abs=1e-6)
    assert plan.bound >= plan.objective - 1e-6
    x = solver.solve(c).quantity
    assert solver.is_valid(c, x)


@pytest.mark.parametrize("seed", range(60))
def test_the_programme_alone_reaches_the_exhaustive_optimum(seed):
    """``solver.exact`` itself (the components above mostly never reach it): its quantities
    are not declared integral, and its plan is integral and optimal all the same."""
    demands, supplies, rules = instance(seed, n_demands=3, n_supplies=2, max_quantity=3)
    c = stage.generate(demands, supplies, rules)
    found = solver.exact(c)
    assert found.method == "exact" and solver.is_valid(c, found.quantity)
    assert found.objective == pytest.approx(exhaustive_optimum(c), abs=1e-6)


@pytest.mark.parametrize("seed", range(8))
def test_the_programme_with_integral_quantities_finds_the_same_optimum(seed):
    demands, supplies, rules = instance(seed, n_demands=40, n_supplies=25, max_quantity=40, capabilities=("a", "b"))
    c = stage.generate(demands, supplies, rules)
    relaxed = solver.exact(c)
    integral = solver._programme(c)(60, integral_quantities=True)
    assert relaxed.method == "exact" and integral.status == 0
    assert relaxed.objective == pytest.approx(-integral.fun, abs=1e-6)


def test_a_fractional_quantity_is_solved_again_with_integral_ones(monkeypatch):
    demands, supplies, rules = instance(3, n_demands=40, n_supplies=25, max_quantity=40, capabilities=("a", "b"))
    c = stage.generate(demands, supplies, rules)
    expected = solver.exact(c).objective
    build, asked = solver._programme, []

    def programme(c):
        solve = build(c)

        def spoiled(time_limit, *, integral_quantities):
            result = solve(time_limit, integral_quantities=integral_quantities)
            asked.append(integral_quantities)
            if not integral_quantities:  # as a heuristic's point might be: half a unit off a vertex
                result.x[0] += 0.5
            return result

        return spoiled

    monkeypatch.setattr(solver, "_programme", programme)
    found = solver.exact(c)
    assert asked == [False, True]
    assert solver.is_valid(c, found.quantity) and found.objective == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("seed", range(15))
def test_flow_and_repair_is_valid_bounded_and_not_below_greedy(seed):
    demands, supplies, rules = instance(seed, n_demands=60, n_supplies=40, max_quantity=50, capabilities=("a", "b"))
    c = stage.generate(demands, supplies, rules)
    repaired = solver.flow_and_repair(c)
    assert solver.is_valid(c, repaired.quantity)
    assert repaired.objective <= repaired.bound + 1e-6
    exact = solver.exact(c)
    assert exact is not None and solver.is_valid(c, exact.quantity)
    assert exact.objective <= repaired.bound + 1e-6  # the flow relaxation bounds every plan
    chosen = solver.solve(c, exact_pair_limit=0)  # force the large-instance path
    assert chosen.objective >= solver.objective(c, solver.greedy(c)) - 1e-9
    assert solver.is_valid(c, chosen.quantity)


def test_vectorised_scores_equal_the_explained_breakdown():
    demands, supplies, rules = instance(7, n_demands=40, n_supplies=40, max_quantity=30, capabilities=("a",))
    c = stage.generate(demands, supplies, rules)
    assert len(c) > 20
    for p in range(len(c)):
        demand, supply = demands[c.demand[p]], supplies[c.supply[p]]
        values = production_factors(demand, supply, rules, int(c.upper[p]))
        score, breakdown = engine.allocation.production_score(demand, supply, rules, int(c.upper[p]))
        assert list(breakdown) == list(FACTORS)
        assert c.score[p] == pytest.approx(score, abs=1e-5), values


def test_unsplittable_orders_go_whole_or_not_at_all():
    demand = engine.Demand(
        id=1,
        owner=1,
        capability="a",
        quantity=10,
        unit_price=10,
        currency="CNY",
        need_by=TODAY + datetime.timedelta(days=30),
        latitude=30,
        longitude=120,
        region="330600",
        splittable=False,
    )
    halves = [
        engine.Supply(
            id=j,
            owner=10 + j,
            capability="a",
            quantity=6,
            unit_price=9,
            currency="CNY",
            available_from=TODAY,
            available_until=TODAY + datetime.timedelta(days=30),
            lead_time_days=3,
            min_order_quantity=1,
            latitude=30,
            longitude=120,
            region="330600",
        )
        for j in (1, 2)
    ]
    assert engine.propose([demand], halves, engine.Rules(today=TODAY)) == []
    whole = [*halves, engine.Supply(**{**halves[0].__dict__, "id": 3, "owner": 30, "quantity": 10})]
    [allocation] = engine.propose([demand], whole, engine.Rules(today=TODAY))
    assert (allocation.supply_id, allocation.quantity) == (3, 10)
