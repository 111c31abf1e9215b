"""The pure engine: never an infeasible proposal, never over capacity, unsplittable orders whole."""

import ast
import dataclasses
import datetime
import pathlib
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.matching import engine
from apps.matching.engine import candidates, pruning
from apps.matching.engine.feasibility import channel_feasible, feasible

TODAY = datetime.date(2026, 12, 1)
CAPABILITIES = ["weaving", "cnc-machining", "smt-assembly"]
CERTS = ["iso9001", "iatf16949", "oeko-tex-100"]
CITIES = [("330600", 30.0, 120.58), ("440300", 22.54, 114.06), ("510100", 30.66, 104.06)]


@st.composite
def demands(draw, n):
    out = []
    for i in range(n):
        city = draw(st.sampled_from(CITIES))
        quantity = draw(st.integers(1, 500))
        out.append(
            engine.Demand(
                id=i + 1,
                owner=draw(st.integers(1, 6)),
                capability=draw(st.sampled_from(CAPABILITIES)),
                quantity=quantity,
                unit_price=draw(st.floats(1, 100)),
                currency=draw(st.sampled_from(["CNY", "CNY", "USD"])),
                need_by=TODAY + datetime.timedelta(days=draw(st.integers(1, 90))),
                latitude=city[1],
                longitude=city[2],
                region=city[0],
                required_certifications=frozenset(draw(st.sets(st.sampled_from(CERTS), max_size=2))),
                splittable=draw(st.booleans()),
                min_lot=draw(st.integers(1, max(1, quantity // 2))),
            )
        )
    return out


@st.composite
def supplies(draw, n):
    out = []
    for i in range(n):
        city = draw(st.sampled_from(CITIES))
        start = TODAY + datetime.timedelta(days=draw(st.integers(-10, 40)))
        out.append(
            engine.Supply(
                id=i + 1,
                owner=draw(st.integers(1, 6)),
                capability=draw(st.sampled_from(CAPABILITIES)),
                quantity=draw(st.integers(0, 800)),
                unit_price=draw(st.floats(1, 120)),
                currency=draw(st.sampled_from(["CNY", "CNY", "USD"])),
                available_from=start,
                available_until=start + datetime.timedelta(days=draw(st.integers(0, 60))),
                lead_time_days=draw(st.integers(0, 45)),
                min_order_quantity=draw(st.integers(1, 100)),
                latitude=city[1],
                longitude=city[2],
                region=city[0],
                certifications=frozenset(draw(st.sets(st.sampled_from(CERTS), max_size=3))),
                on_time_rate=draw(st.none() | st.floats(0, 1)),
                average_rating=draw(st.none() | st.floats(1, 5)),
                deals_completed=draw(st.integers(0, 20)),
            )
        )
    return out


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_every_allocation_is_feasible_and_within_quantities(data):
    ds = data.draw(demands(data.draw(st.integers(1, 15))))
    ss = data.draw(supplies(data.draw(st.integers(1, 15))))
    rules = engine.Rules(today=TODAY, price_tolerance=data.draw(st.floats(0, 0.5)))
    allocations = engine.propose(ds, ss, rules)
    by_demand = {d.id: d for d in ds}
    by_supply = {s.id: s for s in ss}
    used = defaultdict(int)
    given_to = defaultdict(int)
    suppliers_of = defaultdict(set)
    for a in allocations:
        demand, supply = by_demand[a.demand_id], by_supply[a.supply_id]
        assert feasible(demand, supply, rules)
        assert a.quantity >= max(demand.min_lot, supply.min_order_quantity, 1)
        assert 0 <= a.score <= 1
        assert abs(sum(f["weight"] for f in a.breakdown.values()) - 1) < 1e-3
        used[supply.id] += a.quantity
        given_to[demand.id] += a.quantity
        suppliers_of[demand.id].add(supply.id)
    for supply_id, quantity in used.items():
        assert quantity <= by_supply[supply_id].quantity
    for demand_id, quantity in given_to.items():
        demand = by_demand[demand_id]
        assert quantity <= demand.quantity
        if not demand.splittable:
            assert quantity == demand.quantity and len(suppliers_of[demand_id]) == 1


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_warm_supply_index_plans_exactly_as_a_fresh_one(data):
    ss = data.draw(supplies(data.draw(st.integers(1, 15))))
    rules = engine.Rules(today=TODAY)
    index = engine.build_index(ss, rules)
    for _ in range(2):  # the same index serves one batch of demands after another
        ds = data.draw(demands(data.draw(st.integers(1, 10))))
        fresh = engine.plan(ds, ss, rules)
        warm = engine.plan(ds, (), rules, index=index)
        assert [(a.demand_id, a.supply_id, a.quantity) for a in warm.allocations] == [
            (a.demand_id, a.supply_id, a.quantity) for a in fresh.allocations
        ]


INDEX_COLUMNS = ("ids", "owner", "quantity", "price", "currency", "start", "until", "ready", "moq", "lat", "lng")
INDEX_COLUMNS += ("region", "certs", "reputation", "verification", "cos_lat", "index", "usable")


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_an_index_with_new_quantities_is_the_index_built_over_the_changed_supplies(data):
    """``SupplyIndex.with_quantities`` (the warm path's delta) gives what ``build_index`` gives for
    the supplies with those quantities, column for column, and plans alike: the pruning chunks
    the old index had built for a changed capability are not reused (their quantities are old)."""
    ss = data.draw(supplies(data.draw(st.integers(1, 30))))
    rules = engine.Rules(today=TODAY, max_candidates_per_demand=data.draw(st.integers(1, 4)))
    index = engine.build_index(ss, rules)
    ds = data.draw(demands(data.draw(st.integers(1, 10))))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pruning, "FINISH_PAIRS", 0)
        patch.setattr(pruning, "CHUNK", 2)
        candidates.generate(ds, (), rules, index=index)  # the old index builds (and keeps) its chunks
        changes = data.draw(st.dictionaries(st.integers(0, len(ss) - 1), st.integers(0, 800), max_size=len(ss)))
        changed = index.with_quantities(changes)
        fresh_supplies = [dataclasses.replace(s, quantity=changes[i]) if i in changes else s for i, s in enumerate(ss)]
        fresh = engine.build_index(fresh_supplies, rules)
        assert changed.supplies == fresh.supplies
        for name in INDEX_COLUMNS:
            assert np.array_equal(getattr(changed, name), getattr(fresh, name)), name
        assert changed.by_capability.keys() == fresh.by_capability.keys()
        for capability, cols in fresh.by_capability.items():
            assert np.array_equal(changed.by_capability[capability], cols), capability
        assert [s.quantity for s in index.supplies] == [s.quantity for s in ss]  # the old index is untouched
        ds2 = data.draw(demands(data.draw(st.integers(1, 10))))
        assert _pairs(candidates.generate(ds2, (), rules, index=changed)) == _pairs(
            candidates.generate(ds2, fresh_supplies, rules, exhaustive=True)
        )


def _pairs(c):
    return list(
        zip(c.demand.tolist(), c.supply.tolist(), c.score.tolist(), c.upper.tolist(), c.lower.tolist(), strict=True)
    )


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_pruning_keeps_exactly_the_exhaustive_best_k(data):
    """The branch and bound over chunks drops only pairs that could not be among a demand's
    best K: its candidates (and their scores, ties broken by the supply's position) are the
    exhaustive generator's, pair for pair. Tiny chunks and no exhaustive shortcut force every
    demand through the pruned search; some pairs are excluded, and the index is reused."""
    ss = data.draw(supplies(data.draw(st.integers(1, 40))))
    rules = engine.Rules(
        today=TODAY,
        price_tolerance=data.draw(st.floats(0, 0.5)),
        max_candidates_per_demand=data.draw(st.integers(1, 5)),
        weights={factor: data.draw(st.sampled_from([0.0, 0.1, 0.5, 1.0])) for factor in engine.types.FACTORS},
    )
    index = engine.build_index(ss, rules)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pruning, "FINISH_PAIRS", 0)
        patch.setattr(pruning, "CHUNK", data.draw(st.integers(1, 4)))
        for _ in range(2):
            ds = data.draw(demands(data.draw(st.integers(1, 12))))
            exclude = frozenset(
                data.draw(st.sets(st.tuples(st.integers(1, len(ds)), st.integers(1, len(ss))), max_size=6))
            )
            pruned = candidates.generate(ds, (), rules, exclude, index=index)
            exhaustive = candidates.generate(ds, ss, rules, exclude, exhaustive=True)
            assert _pairs(pruned) == _pairs(exhaustive)
            assert all((ds[i].id, ss[j].id) not in exclude for i, j in zip(pruned.demand, pruned.supply, strict=True))


def test_every_feasible_pair_with_an_unbounded_k():
    """With K above the number of supplies the generators yield every feasible pair (what the
    benchmark's LP bound is computed over at 1k and 10k)."""
    import random

    rng = random.Random(5)
    ss = [
        engine.Supply(
            id=j + 1,
            owner=100 + j,
            capability="weaving",
            quantity=rng.randint(10, 500),
            unit_price=rng.uniform(8, 12),
            currency="CNY",
            available_from=TODAY,
            available_until=TODAY + datetime.timedelta(days=30),
            lead_time_days=rng.randint(0, 20),
            min_order_quantity=1,
            latitude=30.0,
            longitude=120.58,
            region="330600",
        )
        for j in range(30)
    ]
    dd = [
        engine.Demand(
            id=i + 1,
            owner=i,
            capability="weaving",
            quantity=rng.randint(1, 300),
            unit_price=rng.uniform(8, 12),
            currency="CNY",
            need_by=TODAY + datetime.timedelta(days=rng.randint(5, 40)),
            latitude=30.0,
            longitude=120.58,
            region="330600",
        )
        for i in range(10)
    ]
    rules = engine.Rules(today=TODAY, max_candidates_per_demand=10**9)
    every = candidates.generate(dd, ss, rules, exhaustive=True)
    expected = {(i, j) for i, d in enumerate(dd) for j, s in enumerate(ss) if feasible(d, s, rules)}
    assert len(expected) > 100
    assert set(zip(every.demand.tolist(), every.supply.tolist(), strict=True)) == expected
    assert _pairs(candidates.generate(dd, ss, rules)) == _pairs(every)


def test_a_supply_index_is_refused_on_another_day():
    index = engine.build_index([], engine.Rules(today=TODAY))
    with pytest.raises(ValueError, match="another day"):
        engine.plan([], (), engine.Rules(today=TODAY + datetime.timedelta(days=1)), index=index)


def test_infeasible_pairs_are_never_proposed():
    base_demand = engine.Demand(
        id=1,
        owner=1,
        capability="weaving",
        quantity=100,
        unit_price=10.0,
        currency="CNY",
        need_by=TODAY + datetime.timedelta(days=30),
        latitude=30.0,
        longitude=120.58,
        region="330600",
        required_certifications=frozenset({"iso9001"}),
        splittable=False,
        min_lot=1,
    )
    ok = engine.Supply(
        id=1,
        owner=2,
        capability="weaving",
        quantity=100,
        unit_price=10.5,
        currency="CNY",
        available_from=TODAY,
        available_until=TODAY + datetime.timedelta(days=20),
        lead_time_days=10,
        min_order_quantity=1,
        latitude=30.0,
        longitude=120.58,
        region="330600",
        certifications=frozenset({"iso9001"}),
    )
    rules = engine.Rules(today=TODAY, price_tolerance=0.10)
    assert [a.supply_id for a in engine.propose([base_demand], [ok], rules)] == [1]
    from dataclasses import replace

    infeasible = {
        "same owner": replace(ok, owner=1),
        "other capability": replace(ok, capability="cnc-machining"),
        "missing certification": replace(ok, certifications=frozenset()),
        "too late": replace(ok, lead_time_days=31),
        "window over": replace(ok, available_until=TODAY - datetime.timedelta(days=1)),
        "too expensive": replace(ok, unit_price=11.01),
        "other currency": replace(ok, currency="USD"),
        "not enough for an unsplittable order": replace(ok, quantity=99),
        "minimum order above the order": replace(ok, min_order_quantity=101),
    }
    for reason, supply in infeasible.items():
        assert not feasible(base_demand, supply, rules), reason
        assert engine.propose([base_demand], [supply], rules) == [], reason


def test_a_weight_change_changes_the_ranking():
    demand = engine.Demand(
        id=1,
        owner=1,
        capability="weaving",
        quantity=100,
        unit_price=10.0,
        currency="CNY",
        need_by=TODAY + datetime.timedelta(days=60),
        latitude=30.0,
        longitude=120.58,
        region="330600",
        splittable=False,
    )
    common = {
        "owner": 2,
        "capability": "weaving",
        "quantity": 100,
        "currency": "CNY",
        "available_from": TODAY,
        "available_until": TODAY + datetime.timedelta(days=30),
        "lead_time_days": 7,
        "min_order_quantity": 1,
    }
    near_dear = engine.Supply(id=1, unit_price=10.9, latitude=30.0, longitude=120.58, region="330600", **common)
    far_cheap = engine.Supply(id=2, unit_price=6.0, latitude=30.66, longitude=104.06, region="510100", **common)
    price_first = engine.Rules(
        today=TODAY, weights={**engine.types.DEFAULT_WEIGHTS, "price": 1.0, "distance": 0.0, "region": 0.0}
    )
    place_first = engine.Rules(
        today=TODAY, weights={**engine.types.DEFAULT_WEIGHTS, "price": 0.0, "distance": 1.0, "region": 1.0}
    )
    assert engine.propose([demand], [near_dear, far_cheap], price_first)[0].supply_id == 2
    assert engine.propose([demand], [near_dear, far_cheap], place_first)[0].supply_id == 1


def test_channels_match_on_category_markets_and_fees():
    request = engine.ChannelRequest(
        id=1,
        owner=1,
        product_category="tea",
        markets=frozenset({"DE", "FR"}),
        quantity=500,
        max_commission_percent=20.0,
        start_by=TODAY + datetime.timedelta(days=30),
    )
    offer = engine.ChannelOffer(
        id=1,
        owner=2,
        product_categories=frozenset({"tea", "snacks"}),
        markets=frozenset({"DE"}),
        quantity=300,
        commission_percent=12.0,
        available_from=TODAY,
    )
    rules = engine.Rules(today=TODAY)
    [allocation] = engine.propose_channels([request], [offer], rules)
    assert (allocation.quantity, allocation.breakdown["markets"]["value"]) == (300, 0.5)
    from dataclasses import replace

    assert not channel_feasible(request, replace(offer, commission_percent=25.0))
    assert not channel_feasible(request, replace(offer, markets=frozenset({"US"})))
    assert not channel_feasible(request, replace(offer, product_categories=frozenset({"toys"})))


def test_the_engine_imports_no_django():
    root = pathlib.Path(engine.__file__).parent
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert not name.startswith(("django", "apps.")), f"{path.name} imports {name}"
