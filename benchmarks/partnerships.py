"""Benchmark: cross-cluster matching of two partnered clusters against one cluster of their size.

    python benchmarks/partnerships.py            # 10,000 x 10,000 per cluster vs 20,000 x 20,000
    python benchmarks/partnerships.py --n 2000   # smaller

Engine-level, as the planner runs it (``apps/matching/planner.py``): each partnered cluster plans
its own market first (``run_full``), then its shared demands against the partner's shared supplies
on the quantity left free (``plan_partners``), both ways. Every listing is shared (the worst case:
the cross plans are as large as they can be). The one cluster is the same instance generator at
twice the size. The last line reads ``partnerships 2x10000x10000 vs 20000x20000: <ratio>x``
(the target is at most 1.5x).
"""

import argparse
import dataclasses
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from matching import generate  # noqa: E402  (the matching benchmark's believable instances)

from apps.matching import engine  # noqa: E402  (pure package: no Django needed)


def cluster(n: int, seed: int, offset: int):
    """A cluster's demands and supplies, ids and owners offset so two clusters never share one."""
    demands, supplies, rules = generate(n, n, seed=seed)
    demands = [dataclasses.replace(d, id=d.id + offset, owner=d.owner + offset) for d in demands]
    supplies = [dataclasses.replace(s, id=s.id + offset, owner=s.owner + offset) for s in supplies]
    return demands, supplies, rules


def left_free(listings, plan, side: str):
    """The listings with what a plan allocated taken off (``side``: ``demand`` or ``supply``)."""
    used: dict[int, int] = {}
    for a in plan.allocations:
        key = a.demand_id if side == "demand" else a.supply_id
        used[key] = used.get(key, 0) + a.quantity
    return [
        dataclasses.replace(x, quantity=x.quantity - used.get(x.id, 0))
        for x in listings
        if x.quantity > used.get(x.id, 0)
    ]


def timed(demands, supplies, rules):
    t = time.perf_counter()
    plan = engine.plan(demands, supplies, rules)
    return plan, time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="listings of each kind per partnered cluster")
    n = parser.parse_args().n

    a_demands, a_supplies, rules = cluster(n, seed=2026, offset=0)
    b_demands, b_supplies, _ = cluster(n, seed=2027, offset=10 * n)
    own_a, t_own_a = timed(a_demands, a_supplies, rules)
    own_b, t_own_b = timed(b_demands, b_supplies, rules)
    a_free_d, a_free_s = left_free(a_demands, own_a, "demand"), left_free(a_supplies, own_a, "supply")
    b_free_d, b_free_s = left_free(b_demands, own_b, "demand"), left_free(b_supplies, own_b, "supply")
    cross_ab, t_ab = timed(a_free_d, b_free_s, rules)
    b_free_s = left_free(b_free_s, cross_ab, "supply")

    cross_ba, t_ba = timed(b_free_d, a_free_s, rules)
    partnered = t_own_a + t_own_b + t_ab + t_ba

    one_demands, one_supplies, rules = generate(2 * n, 2 * n, seed=2026)
    one, single = timed(one_demands, one_supplies, rules)

    partnered_objective = sum(p.objective for p in (own_a, own_b, cross_ab, cross_ba))
    print(f"{'plan':>34} {'demands':>8} {'supplies':>8} {'pairs':>9} {'seconds':>8} {'objective':>12}")
    for name, plan, seconds, d, s in (
        ("cluster A, own market", own_a, t_own_a, a_demands, a_supplies),
        ("cluster B, own market", own_b, t_own_b, b_demands, b_supplies),
        ("A's shared demands x B's supplies", cross_ab, t_ab, a_free_d, left_free(b_supplies, own_b, "supply")),
        ("B's shared demands x A's supplies", cross_ba, t_ba, b_free_d, a_free_s),
        ("one cluster of twice the size", one, single, one_demands, one_supplies),
    ):
        print(f"{name:>34} {len(d):>8} {len(s):>8} {plan.candidate_pairs:>9} {seconds:>8.2f} {plan.objective:>12.1f}")
    cross_matches = len(cross_ab.allocations) + len(cross_ba.allocations)
    print(f"cross-cluster allocations: {cross_matches}; partnered objective {partnered_objective:.1f}")
    print(f"partnerships 2x{n}x{n} vs {2 * n}x{2 * n}: {partnered:.2f} s vs {single:.2f} s, {partnered / single:.2f}x")


if __name__ == "__main__":
    main()
