"""Benchmark of the matching engine on a seeded, believable cluster.

    python benchmarks/matching.py                 # 1k x 1k, 10k x 10k, 100k x 100k
    python benchmarks/matching.py --skip-large    # without 100k x 100k

Each size runs in its own process so its peak memory is its own. The LP upper bound is
computed by a separate solver (HiGHS through scipy) on the same candidate pairs, and the
greedy baseline on the same instance. The last line reads
``matching 10000x10000: <seconds> s, gap <percent>% to LP bound, <ratio>x greedy objective``.
"""

import argparse
import datetime
import json
import math
import pathlib
import random
import resource
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from apps.matching import engine  # noqa: E402  (pure package: no Django needed)
from apps.matching.engine import candidates as stage  # noqa: E402
from apps.matching.engine import solver  # noqa: E402

DATA = ROOT / "apps" / "reference" / "data"
TODAY = datetime.date(2026, 12, 1)
CERTS = ["iso9001", "iso14001", "iatf16949", "iso45001", "oeko-tex-100", "rohs", "ccc", "ul"]
HUBS = {"440300": 8, "441900": 7, "330600": 6, "320500": 6, "330200": 5, "440600": 5, "330100": 4, "310000": 4}


def generate(n_demands: int, n_supplies: int, seed: int = 2026):
    rng = random.Random(seed)
    capabilities = [c["code"] for c in json.loads((DATA / "capabilities.json").read_text())]
    popularity = [1 / (rank + 1) ** 1.1 for rank in range(len(capabilities))]
    rng.shuffle(capabilities)
    cities = json.loads((DATA / "regions.json").read_text())
    city_weights = [HUBS.get(c["code"], 1) for c in cities]
    base_price = {c: math.exp(rng.uniform(0, 5)) for c in capabilities}
    n_enterprises = max(10, (n_demands + n_supplies) // 4)
    enterprise_city = [rng.choices(cities, city_weights)[0] for _ in range(n_enterprises)]
    enterprise_certs = [frozenset(rng.sample(CERTS, rng.choice([0, 1, 1, 2, 3]))) for _ in range(n_enterprises)]

    def place(owner):
        city = enterprise_city[owner]
        return {
            "latitude": city["lat"] + rng.gauss(0, 0.05),
            "longitude": city["lng"] + rng.gauss(0, 0.05),
            "region": city["code"],
        }

    demands = []
    for i in range(n_demands):
        owner = rng.randrange(n_enterprises)
        capability = rng.choices(capabilities, popularity)[0]
        quantity = max(1, int(rng.lognormvariate(math.log(500), 0.9)))
        demands.append(
            engine.Demand(
                id=i + 1,
                owner=owner,
                capability=capability,
                quantity=quantity,
                unit_price=round(base_price[capability] * rng.lognormvariate(0, 0.15), 2),
                currency="CNY",
                need_by=TODAY + datetime.timedelta(days=rng.randint(10, 90)),
                required_certifications=frozenset(rng.sample(CERTS[:4], 1)) if rng.random() < 0.3 else frozenset(),
                splittable=rng.random() >= 1 / 3,
                min_lot=1 if rng.random() < 0.7 else max(1, quantity // 20),
                **place(owner),
            )
        )
    supplies = []
    for j in range(n_supplies):
        owner = rng.randrange(n_enterprises)
        capability = rng.choices(capabilities, popularity)[0]
        start = TODAY + datetime.timedelta(days=rng.randint(-5, 20))
        supplies.append(
            engine.Supply(
                id=j + 1,
                owner=owner,
                capability=capability,
                quantity=max(1, int(rng.lognormvariate(math.log(1200), 0.8))),
                unit_price=round(base_price[capability] * rng.lognormvariate(-0.03, 0.15), 2),
                currency="CNY",
                available_from=start,
                available_until=start + datetime.timedelta(days=rng.randint(20, 90)),
                lead_time_days=rng.randint(3, 30),
                min_order_quantity=1 if rng.random() < 0.7 else 50,
                certifications=enterprise_certs[owner],
                on_time_rate=None if rng.random() < 0.3 else rng.betavariate(8, 2),
                average_rating=rng.uniform(2.5, 5),
                deals_completed=rng.randint(0, 40),
                **place(owner),
            )
        )
    return demands, supplies, engine.Rules(today=TODAY)


def lp_bound(c) -> float:
    """The LP relaxation solved by HiGHS (a different solver from the engine's flow)."""
    import numpy as np
    from scipy.optimize import linprog
    from scipy.sparse import coo_array, vstack

    n = len(c)
    cols = np.arange(n)
    demand_rows = coo_array((np.ones(n), (c.demand, cols)), shape=(len(c.demand_quantity), n))
    supply_rows = coo_array((np.ones(n), (c.supply, cols)), shape=(len(c.supply_quantity), n))
    result = linprog(
        -c.score,
        A_ub=vstack([demand_rows, supply_rows]).tocsr(),
        b_ub=np.concatenate([c.demand_quantity, c.supply_quantity]).astype(float),
        bounds=np.column_stack([np.zeros(n), c.upper.astype(float)]),
        method="highs",
    )
    return -result.fun


def run_size(n: int) -> dict:
    demands, supplies, rules = generate(n, n)
    t0 = time.perf_counter()
    c = stage.generate(demands, supplies, rules)
    t1 = time.perf_counter()
    solution = solver.solve(c)
    t2 = time.perf_counter()
    plan_seconds = t2 - t0
    bound = lp_bound(c)
    greedy_objective = solution.seconds["greedy_objective"]
    wanted = sum(d.quantity for d in demands)
    # incremental: one new order against all supplies (median of 30, in the engine)
    rng = random.Random(7)
    timings = []
    for _ in range(30):
        demand = rng.choice(demands)
        t = time.perf_counter()
        engine.plan([demand], supplies, rules, explain=True)
        timings.append(time.perf_counter() - t)
    return {
        "size": f"{n}x{n}",
        "pairs": len(c),
        "candidates_s": t1 - t0,
        "allocation_s": t2 - t1,
        "plan_s": plan_seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "objective": solution.objective,
        "engine_bound": solution.bound,
        "lp_bound": bound,
        "gap_pct": 100 * max(0.0, bound - solution.objective) / bound if bound else 0.0,
        "greedy": greedy_objective,
        "ratio": solution.objective / greedy_objective if greedy_objective else float("inf"),
        "filled_pct": 100 * float(solution.quantity.sum()) / wanted,
        "method": solution.method,
        "incremental_median_ms": 1000 * statistics.median(timings),
        "valid": solver.is_valid(c, solution.quantity),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-large", action="store_true", help="skip 100k x 100k")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_size(args.child)))
        return
    sizes = [1_000, 10_000] + ([] if args.skip_large else [100_000])
    rows = []
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--child", str(n)], capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    header = (
        f"{'size':>13} {'pairs':>9} {'cand s':>7} {'alloc s':>8} {'plan s':>7} {'peak MB':>8} {'objective':>13} "
        f"{'LP bound':>13} {'gap %':>6} {'greedy':>13} {'x greedy':>8} {'filled %':>8} {'incr ms':>8} {'method':>14} valid"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['size']:>13} {r['pairs']:>9} {r['candidates_s']:>7.2f} {r['allocation_s']:>8.2f} {r['plan_s']:>7.2f} "
            f"{r['peak_mb']:>8.0f} {r['objective']:>13.1f} {r['lp_bound']:>13.1f} {r['gap_pct']:>6.3f} "
            f"{r['greedy']:>13.1f} {r['ratio']:>8.4f} {r['filled_pct']:>8.1f} {r['incremental_median_ms']:>8.1f} "
            f"{r['method']:>14} {r['valid']}"
        )
    ten = next(r for r in rows if r["size"] == "10000x10000")
    print(
        f"matching 10000x10000: {ten['plan_s']:.2f} s, gap {ten['gap_pct']:.3f}% to LP bound, "
        f"{ten['ratio']:.4f}x greedy objective"
    )


if __name__ == "__main__":
    main()
