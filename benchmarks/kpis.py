"""KPI snapshot of a large cluster on PostgreSQL: 10,000 members, 100,000 listings, 50,000 deals.

    DATABASE_URL=postgres://... python benchmarks/kpis.py

Builds the cluster once (bulk inserts), then times ``monitoring.kpis.compute`` and counts
its queries. Needs PostgreSQL: with another database it says so and exits.
"""

import datetime
import os
import pathlib
import random
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster_platform.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.marketplace.models import CapacityOffer, Deal, Match, Order, Rating  # noqa: E402
from apps.membership.credit_codes import make_credit_code  # noqa: E402
from apps.membership.models import Enterprise, Membership  # noqa: E402
from apps.monitoring import kpis  # noqa: E402
from apps.tenancy.models import Cluster  # noqa: E402

MEMBERS, LISTINGS, DEALS = 10_000, 100_000, 50_000
REGIONS = ["330600", "320500", "440300", "441900", "510100", "500000", "310000", "330200"]


def build() -> Cluster:
    cluster, _ = Cluster.objects.get_or_create(
        slug="bench-kpi",
        defaults={
            "name_zh": "KPI 基准集群",
            "name_en": "KPI benchmark cluster",
            "industry_focus": "all",
            "region": "China",
        },
    )
    if Deal.objects.filter(cluster=cluster).count() == DEALS:
        return cluster
    rng = random.Random(5)
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        enterprises = Enterprise.objects.bulk_create(
            [
                Enterprise(
                    legal_name_zh=f"KPI企业{i}",
                    credit_code=make_credit_code("999998", 500000 + i),
                    region_code=rng.choice(REGIONS),
                    region_name="bench",
                    latitude=30,
                    longitude=120,
                )
                for i in range(MEMBERS)
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
        enterprises = list(Enterprise.objects.filter(credit_code__startswith="91999998").order_by("pk"))
        Membership.objects.bulk_create(
            [
                Membership(cluster=cluster, enterprise=e, status=rng.choice(["active"] * 8 + ["pending", "suspended"]))
                for e in enterprises
            ],
            batch_size=5000,
        )
        half = LISTINGS // 2
        orders = Order.objects.bulk_create(
            [
                Order(
                    cluster=cluster,
                    owner=rng.choice(enterprises),
                    title="o",
                    status=rng.choice(["open", "filled", "partially_filled"]),
                    capability_id="cnc-machining",
                    product_category="p",
                    quantity=1000,
                    filled_quantity=rng.choice([0, 500, 1000]),
                    unit="pcs",
                    target_unit_price=10,
                    need_by=today + datetime.timedelta(days=30),
                    delivery_region_code="330600",
                    delivery_latitude=30,
                    delivery_longitude=120,
                    published_at=now - datetime.timedelta(hours=rng.randint(1, 500)),
                )
                for _ in range(half)
            ],
            batch_size=5000,
        )
        capacities = CapacityOffer.objects.bulk_create(
            [
                CapacityOffer(
                    cluster=cluster,
                    owner=rng.choice(enterprises),
                    title="c",
                    status="open",
                    capability_id=rng.choice(["cnc-machining", "weaving", "smt-assembly"]),
                    quantity_per_period=1000,
                    unit="pcs",
                    available_from=today,
                    available_until=today + datetime.timedelta(days=30),
                    total_quantity=1000,
                    reserved_quantity=rng.choice([0, 200, 1000]),
                    unit_price=9,
                    lead_time_days=5,
                    region_code="330600",
                    latitude=30,
                    longitude=120,
                )
                for _ in range(half)
            ],
            batch_size=5000,
        )
        matches = Match.objects.bulk_create(
            [
                Match(
                    cluster=cluster,
                    kind="production",
                    order=orders[i],
                    capacity=capacities[i],
                    demand_owner_id=orders[i].owner_id,
                    supply_owner_id=capacities[i].owner_id,
                    quantity=100,
                    score=0.5,
                    breakdown={},
                    status="accepted",
                    expires_at=now,
                )
                for i in range(DEALS)
            ],
            batch_size=5000,
        )
        deals = Deal.objects.bulk_create(
            [
                Deal(
                    cluster=cluster,
                    match=m,
                    kind="production",
                    buyer_id=m.demand_owner_id,
                    supplier_id=m.supply_owner_id,
                    quantity=100,
                    unit_price=9,
                    currency="CNY",
                    due_date=today,
                    status=rng.choice(["confirmed", "in_production", "delivered", "closed"]),
                    delivered_at=now - datetime.timedelta(days=rng.randint(-3, 3)),
                )
                for m in matches
            ],
            batch_size=5000,
        )
        Rating.objects.bulk_create(
            [
                Rating(
                    deal=d,
                    rater_id=d.buyer_id,
                    ratee_id=d.supplier_id,
                    quality=rng.randint(1, 5),
                    on_time=rng.randint(1, 5),
                    communication=rng.randint(1, 5),
                    published_at=now,
                )
                for d in deals[: DEALS // 2]
            ],
            batch_size=5000,
        )
    return cluster


def main() -> None:
    if connection.vendor != "postgresql":
        print(f"kpi benchmark skipped: it needs PostgreSQL (DATABASE_URL), this is {connection.vendor}")
        return
    t = time.perf_counter()
    cluster = build()
    print(
        f"cluster with {MEMBERS} members, {LISTINGS} listings and {DEALS} deals ready in {time.perf_counter() - t:.1f} s"
    )
    for attempt in (1, 2):
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        t = time.perf_counter()
        with connection.execute_wrapper(count):
            metrics = kpis.compute(cluster)
        seconds = time.perf_counter() - t
        print(
            f"kpi snapshot {MEMBERS} members / {LISTINGS} listings / {DEALS} deals, run {attempt}: "
            f"{seconds:.2f} s, {len(queries)} queries, {metrics['network']['links']} links, "
            f"largest group {metrics['network']['largest_group']}"
        )


if __name__ == "__main__":
    main()
