"""One new order against a large cluster's capacity, end to end in the worker path, warm.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python benchmarks/warm.py [--size 100000] [--orders 15]

Builds (once) the benchmark cluster of benchmarks/replan.py, then posts orders one at a time
(rows written as a post writes them) and times what the worker does for each: the pass over
one pending order (``tasks._incremental``: the run row, its lease, inputs, the engine on the
worker's warm capacity index, proposals written, the run closed). The first order builds the
index (cold); the median of the others is the figure of issue 19 (target ≤ 50 ms).
"""

import argparse
import os
import pathlib
import random
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster_platform.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from apps.marketplace.models import Order  # noqa: E402
from apps.marketplace.services.listings import market_changed  # noqa: E402
from apps.matching import tasks, warm  # noqa: E402
from benchmarks.cluster_builder import build, order_like  # noqa: E402

TARGET_MS = 50.0


def new_order(cluster, template: Order, rng: random.Random) -> Order:
    order = Order.objects.create(
        cluster=cluster,
        owner_id=template.owner_id,
        title=f"warm bench {rng.random():.6f}",
        status="open",
        **order_like(template),
    )
    market_changed(cluster.pk, Order)  # as a post does: the order lists change, the capacity's do not
    return order


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=15)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print(f"warm benchmark skipped: it needs PostgreSQL (DATABASE_URL), this is {connection.vendor}")
        return
    Order.objects.filter(cluster__slug=f"bench-replan-{args.size}", title__startswith="warm bench").delete()
    cluster = build(args.size)
    rng = random.Random(19)
    templates = list(Order.objects.filter(cluster=cluster, title__startswith="bench ").order_by("?")[: args.orders + 1])
    warm.clear()
    seconds = []
    for template in templates:
        order = new_order(cluster, template, rng)
        t = time.perf_counter()
        tasks._incremental(cluster.pk, "order", [order.pk], f"order:{order.pk}:new")
        seconds.append(time.perf_counter() - t)
    cold, hot = seconds[0] * 1000, [s * 1000 for s in seconds[1:]]
    median = statistics.median(hot)
    print(
        f"one new order against {args.size} supplies, worker path: cold (builds the index) {cold:.0f} ms; "
        f"warm median {median:.1f} ms, p90 {sorted(hot)[int(0.9 * (len(hot) - 1))]:.1f} ms over {len(hot)} orders; "
        f"warm stats {warm.stats}"
    )
    print(f"target one new order ≤ {TARGET_MS:.0f} ms median (warm): {'met' if median <= TARGET_MS else 'missed'}")
    Order.objects.filter(cluster=cluster, title__startswith="warm bench").delete()


if __name__ == "__main__":
    main()
