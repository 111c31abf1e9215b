"""A full re-plan end to end on PostgreSQL: load listings, solve, write proposals in bulk.

    DATABASE_URL=postgres://... python benchmarks/replan.py [--size 10000]

Builds (once) a benchmark cluster with N orders and N capacity offers from the same
seeded generator as benchmarks/matching.py, then times planner.run_full and counts its
SQL queries. Needs PostgreSQL: with another database it says so and exits.
"""

import argparse
import os
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster_platform.settings.local")

import django  # noqa: E402

django.setup()


from django.db import connection  # noqa: E402

from apps.marketplace.models import Match, MatchingRun  # noqa: E402
from apps.matching import planner  # noqa: E402
from benchmarks.cluster_builder import build  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print(f"replan benchmark skipped: it needs PostgreSQL (DATABASE_URL), this is {connection.vendor}")
        return
    t = time.perf_counter()
    cluster = build(args.size)
    print(f"cluster with {args.size} orders and {args.size} capacity offers ready in {time.perf_counter() - t:.1f} s")
    for attempt in ("first run", "second run (idempotent)"):
        queries = []
        run = MatchingRun.objects.create(cluster=cluster, kind=MatchingRun.Kind.FULL, trigger="benchmark")
        run = MatchingRun.objects.select_related("cluster").get(pk=run.pk)

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        t = time.perf_counter()
        with connection.execute_wrapper(count):
            run = planner.run_full(run)
        seconds = time.perf_counter() - t
        c = run.counts
        engine_alone = c["production_solve_seconds"] + c.get("channel_solve_seconds", 0.0)
        ratio = seconds / engine_alone if engine_alone else float("inf")
        print(
            f"replan {args.size}x{args.size} {attempt}: {seconds:.1f} s end to end, engine alone {engine_alone:.1f} s "
            f"(ratio {ratio:.2f}), {len(queries)} queries, "
            f"created {c['production_proposals_created']}, kept {c['production_proposals_kept']}, "
            f"withdrawn {c['production_proposals_withdrawn']}, gap {c['production_gap_percent']:.3f}%"
        )
        print(f"target re-plan end to end ≤ 2× the engine alone ({attempt}): {'met' if ratio <= 2 else 'missed'}")
    print(f"open proposals now: {Match.objects.filter(cluster=cluster, status='proposed').count()}")


if __name__ == "__main__":
    main()
