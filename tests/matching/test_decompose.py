"""The decomposition of a full plan (engine/decompose.py), pure: no Django, no worker.

Property tests on instances from the benchmark's generator: the parts' inputs survive their
compact encoding, the chunks' candidates are the whole plan's candidates, and the merged plan
is valid for the whole instance and as good as the single-process plan where that one is
exact (the optimum of independent parts is the sum of their optima)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from apps.matching import engine
from apps.matching.engine import candidates as stage
from apps.matching.engine import decompose as dc
from apps.matching.engine import solver
from benchmarks.matching import generate

instances = st.builds(lambda n, seed: generate(n, n, seed), st.integers(10, 60), st.integers(0, 10_000))
quick = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def pairs_of(c: stage.Candidates, demands, supplies) -> set:
    return {
        (demands[i].id, supplies[j].id, round(float(s), 6), int(u), int(lo))
        for i, j, s, u, lo in zip(c.demand, c.supply, c.score, c.upper, c.lower, strict=True)
    }


def quantities(allocations) -> list[tuple[int, int, int]]:
    return sorted((a.demand_id, a.supply_id, a.quantity) for a in allocations)


def as_whole(c: stage.Candidates, demands, supplies, allocations) -> np.ndarray:
    """The merged allocations as quantities on the whole instance's candidate pairs."""
    index = {(demands[i].id, supplies[j].id): p for p, (i, j) in enumerate(zip(c.demand, c.supply, strict=True))}
    x = np.zeros(len(c), np.int64)
    for a in allocations:
        x[index[(a.demand_id, a.supply_id)]] = a.quantity  # KeyError: a pair the whole would not make
    return x


@quick
@given(instances)
def test_demands_and_supplies_survive_the_compact_encoding(instance):
    demands, supplies, _rules = instance
    assert dc.unpack(dc.pack(demands, engine.Demand), engine.Demand) == demands
    assert dc.unpack(dc.pack(supplies, engine.Supply), engine.Supply) == supplies


@quick
@given(instances, st.integers(1, 12))
def test_the_chunks_candidates_are_the_whole_plans_candidates(instance, parts):
    demands, supplies, rules = instance
    found = dc.blocks(demands, supplies, rules)
    work = dc.chunks(found, parts)
    # every demand of every block in exactly one chunk
    covered = sorted(int(i) for number, a, b in work for i in found[number].demands[a:b])
    assert covered == sorted(int(i) for b in found for i in b.demands)
    by_block = {}
    for number, a, b in work:
        block = found[number]
        chunk = [demands[i] for i in block.demands[a:b]]
        by_block.setdefault(number, []).append(
            (chunk, dc.chunk_candidates(chunk, [supplies[j] for j in block.supplies], rules))
        )
    merged = set()
    for number, pieces in by_block.items():
        block = found[number]
        c = dc.concat([c for _chunk, c in pieces])
        merged |= pairs_of(c, [demands[i] for i in block.demands], [supplies[j] for j in block.supplies])
    assert merged == pairs_of(stage.generate(demands, supplies, rules), demands, supplies)


@quick
@given(instances, st.integers(1, 8))
def test_merged_part_plans_are_valid_and_as_good_as_the_single_process_plan(instance, parts):
    demands, supplies, rules = instance
    whole = engine.plan(demands, supplies, rules, explain=False)
    merged = dc.plan_in_parts(demands, supplies, rules, parts=parts, explain=False)
    c = stage.generate(demands, supplies, rules)
    x = as_whole(c, demands, supplies, merged.allocations)
    assert solver.is_valid(c, x)
    assert merged.pairs == len(c)
    assert abs(solver.objective(c, x) - merged.objective) <= 1e-6 * max(1.0, merged.objective)
    assert merged.objective <= merged.bound + 1e-6
    assume(whole.method == "exact")  # the whole solved to its optimum: the parts' optima add up to it
    assert abs(merged.objective - whole.objective) <= 1e-6 * max(1.0, whole.objective)
    assert quantities(merged.allocations) == quantities(whole.allocations)


@quick
@given(instances)
def test_the_parts_explain_their_allocations_as_the_single_process_plan_does(instance):
    demands, supplies, rules = instance
    whole = engine.plan(demands, supplies, rules)
    assume(whole.method == "exact")
    merged = dc.plan_in_parts(demands, supplies, rules, parts=3)
    explained = {(a.demand_id, a.supply_id): (a.score, a.breakdown) for a in whole.allocations}
    assert {(a.demand_id, a.supply_id): (a.score, a.breakdown) for a in merged.allocations} == explained


@quick
@given(instances)
def test_excluded_pairs_are_left_out_of_every_part(instance):
    demands, supplies, rules = instance
    whole = engine.plan(demands, supplies, rules, explain=False)
    assume(whole.allocations)
    exclude = frozenset((a.demand_id, a.supply_id) for a in whole.allocations[::2])
    merged = dc.plan_in_parts(demands, supplies, rules, exclude, parts=4, explain=False)
    assert not exclude & {(a.demand_id, a.supply_id) for a in merged.allocations}


@quick
@given(instances)
def test_no_candidate_pair_joins_two_components(instance):
    demands, supplies, rules = instance
    c = stage.generate(demands, supplies, rules)
    labels = dc.components(c)
    for side in (c.demand, c.supply):
        for node in np.unique(side):
            assert len(np.unique(labels[side == node])) == 1  # a demand's (a supply's) pairs: one component


@quick
@given(instances, st.integers(0, 10_000))
def test_the_exact_programme_per_component_is_the_undecomposed_optimum(instance, seed):
    """``solver.exact_by_component`` (what ``solve`` runs where it solves exactly) gives the
    optimum of the one programme over every pair: the same objective, a valid plan, a bound
    no lower; on a batch of few demands (an incremental pass) as on a whole instance."""
    demands, supplies, rules = instance
    rng = np.random.default_rng(seed)
    for some in (demands, [demands[i] for i in rng.choice(len(demands), min(8, len(demands)), replace=False)]):
        c = stage.generate(some, supplies, rules)
        assume(0 < len(c) <= solver.EXACT_PAIR_LIMIT)
        whole, parts = solver.exact(c), solver.exact_by_component(c)
        assert whole.method == parts.method == "exact"
        assert solver.is_valid(c, parts.quantity)
        assert abs(parts.objective - whole.objective) <= 1e-6 * max(1.0, whole.objective)
        assert parts.bound >= parts.objective - 1e-9
        plan = engine.plan(some, supplies, rules, explain=False)  # the engine's entry point solves it so
        assert abs(plan.objective - whole.objective) <= 1e-6 * max(1.0, whole.objective)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_one_splittable_demand_is_solved_to_the_programmes_optimum(data):
    """``solver.one_demand`` (the branch and bound for a component of one demand) finds the
    optimum the mixed-integer programme finds, with minimum lots that make the relaxation break."""
    n = data.draw(st.integers(1, 12))
    quantity = data.draw(st.integers(1, 400))
    upper = np.array([data.draw(st.integers(1, quantity)) for _ in range(n)], np.int64)
    lower = np.array([data.draw(st.integers(1, int(u))) for u in upper], np.int64)
    c = stage.Candidates(
        demand=np.zeros(n, np.int64),
        supply=np.arange(n),
        score=np.round(np.array([data.draw(st.floats(0, 1)) for _ in range(n)]), 6),
        upper=upper,
        lower=lower,
        demand_quantity=np.array([quantity], np.int64),
        demand_splittable=np.array([True]),
        supply_quantity=upper + np.array([data.draw(st.integers(0, 50)) for _ in range(n)], np.int64),
    )
    x = solver.one_demand(c)
    assert x is not None and solver.is_valid(c, x)
    optimum = solver.exact(c)
    assert optimum.method == "exact"
    assert abs(solver.objective(c, x) - optimum.objective) <= 1e-6 * max(1.0, optimum.objective)


def test_bins_balance_loads_largest_first():
    loads = [10, 1, 1, 8, 2]
    found = dc.bins(loads, 2)
    assert sorted(i for b in found for i in b) == [0, 1, 2, 3, 4]
    assert [sum(loads[i] for i in b) for b in found] == [11, 11]
    assert dc.bins([5], 4) == [[0]]
    assert dc.bins([], 3) == []


def test_a_block_alone_larger_than_a_share_is_cut_into_demand_chunks():
    demands, supplies, rules = generate(400, 400, 3)
    found = dc.blocks(demands, supplies, rules)
    work = dc.chunks(found, 8)
    assert found[0].load > sum(b.load for b in found) / 8  # the popular capability dominates
    assert len([w for w in work if w[0] == 0]) > 1
    assert all(
        len([w for w in work if w[0] == n]) == 1
        for n in range(len(found))
        if found[n].load * 8 < sum(b.load for b in found) / 2
    )


def test_the_benchmarks_check_finds_what_a_plan_breaks():
    demands, supplies, rules = generate(80, 80, 9)
    plan = engine.plan(demands, supplies, rules, explain=False)
    assert plan.allocations and dc.check(plan.allocations, demands, supplies) == []
    first = plan.allocations[0]
    doubled = [*plan.allocations, engine.Allocation(first.demand_id, first.supply_id, 10**6, 0.5, {})]
    assert any("over its quantity" in p for p in dc.check(doubled, demands, supplies))


@quick
@given(instances, st.integers(1, 400))
def test_the_flows_solved_component_by_component_are_the_flow_of_the_whole(instance, most):
    """The solver packs whole components into parts (``solver.flow_parts``) and solves a flow per part:
    every pair is in exactly one part, no component is cut, and the parts' optimum is the
    optimum of the one flow over all the pairs (so is the plan's bound)."""
    demands, supplies, rules = instance
    c = stage.generate(demands, supplies, rules)
    assume(len(c) > 0)
    labels = dc.components(c)
    arcs = np.arange(len(c))
    found = solver.flow_parts(arcs, labels, most=most)
    assert sorted(np.concatenate(found).tolist()) == arcs.tolist()
    owner = {}
    for k, part in enumerate(found):
        assert len(part) <= most or len(np.unique(labels[part])) == 1  # only a lone component exceeds it
        for label in np.unique(labels[part]).tolist():
            assert owner.setdefault(label, k) == k  # a component lies in one part
    whole, whole_value = solver._flow(c, arcs, c.demand_quantity, c.supply_quantity)
    split, split_value = solver._flow(c, arcs, c.demand_quantity, c.supply_quantity, labels)
    assert abs(whole_value - split_value) <= 1e-6 * max(1.0, whole_value)
    assert solver.objective(c, split) == pytest.approx(solver.objective(c, whole), rel=1e-6, abs=1e-6)
    assert np.all(np.bincount(c.supply, weights=split, minlength=len(c.supply_quantity)) <= c.supply_quantity)
