"""A large dataset for load tests: bulk inserts, minutes not hours.

    python manage.py seed_load_data --listings 1000000 --clusters 100 --enterprises 50000

Creates clusters ``load-000``…, enterprises with valid credit codes, active memberships,
orders and capacity offers spread over the clusters, a load-test user who owns one
enterprise in ``load-000`` (login printed), and proposed matches for that user to accept.
Idempotent per size: a second run with the same figures does nothing.
"""

import datetime
import random

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from apps.accounts.services import user_ensure_verified
from apps.governance.models import RuleVersion
from apps.marketplace.models import MATCHABLE, CapacityOffer, ListingStatus, Match, Order
from apps.marketplace.services.listings import market_changed
from apps.membership.credit_codes import make_credit_code
from apps.membership.models import Enterprise, EnterpriseMember, Membership
from apps.reference.models import Capability, Region
from apps.tenancy.models import Cluster
from apps.tenancy.rules import REGISTRY, rules_in_force

BATCH = 10_000
LOAD_USER = ("load.tester@cluster.local", "cluster-load-2026")
OPEN_LIMIT = "marketplace.open_listings_per_member"
#: the title benchmarks/load.py gives the orders it posts
LOAD_ORDER_TITLE = "load test order"
#: a market's listings are mostly open, the rest closed or done, so the status filter matters
STATUSES, STATUS_WEIGHTS = ("open", "closed", "filled", "cancelled"), (70, 15, 10, 5)


class Command(BaseCommand):
    help = "Seed a large dataset (clusters, enterprises, listings) for the load benchmark."

    def add_arguments(self, parser):
        parser.add_argument("--listings", type=int, default=1_000_000)
        parser.add_argument("--clusters", type=int, default=100)
        parser.add_argument("--enterprises", type=int, default=50_000)

    def handle(self, *args, listings, clusters, enterprises, **options):
        rng = random.Random(42)
        today, now = timezone.localdate(), timezone.now()
        if (
            Order.objects.filter(cluster__slug="load-000").exists()
            and Cluster.objects.filter(slug__startswith="load-").count() == clusters
        ):
            self.stdout.write("load dataset already present")
            self._raise_listing_limit()
            self._close_earlier_runs_orders()
            return self._print_login()
        capabilities = list(Capability.objects.values_list("code", flat=True))
        popularity = [1 / (i + 1) for i in range(len(capabilities))]
        regions = list(Region.objects.all())
        with transaction.atomic():
            cluster_rows = [
                Cluster(
                    slug=f"load-{i:03d}",
                    name_zh=f"压测集群{i}",
                    name_en=f"Load cluster {i}",
                    industry_focus="mixed",
                    region="China",
                )
                for i in range(clusters)
            ]
            Cluster.objects.bulk_create(cluster_rows, ignore_conflicts=True)
            cluster_ids = list(
                Cluster.objects.filter(slug__startswith="load-").order_by("slug").values_list("pk", flat=True)
            )
            Enterprise.objects.bulk_create(
                [
                    Enterprise(
                        legal_name_zh=f"压测企业{i}",
                        legal_name_en=f"Load enterprise {i}",
                        credit_code=make_credit_code("999997", 3_000_000 + i),
                        region_code=(r := rng.choice(regions)).code,
                        region_name=r.name_zh,
                        latitude=r.latitude,
                        longitude=r.longitude,
                    )
                    for i in range(enterprises)
                ],
                batch_size=BATCH,
                ignore_conflicts=True,
            )
            enterprise_ids = list(
                Enterprise.objects.filter(credit_code__startswith="91999997")
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            home = {e: cluster_ids[i % len(cluster_ids)] for i, e in enumerate(enterprise_ids)}
            Membership.objects.bulk_create(
                [
                    Membership(cluster_id=home[e], enterprise_id=e, status="active", joined_at=now)
                    for e in enterprise_ids
                ],
                batch_size=BATCH,
                ignore_conflicts=True,
            )
            by_cluster: dict[int, list[int]] = {}
            for e, c in home.items():
                by_cluster.setdefault(c, []).append(e)
            for start in range(0, listings, BATCH):
                orders, capacities = [], []
                for i in range(start, min(listings, start + BATCH)):
                    cluster_id = cluster_ids[i % len(cluster_ids)]
                    owner = rng.choice(by_cluster[cluster_id])
                    capability = rng.choices(capabilities, popularity)[0]
                    status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
                    if rng.random() < 0.5:  # every cluster gets both kinds
                        orders.append(
                            Order(
                                cluster_id=cluster_id,
                                owner_id=owner,
                                title=f"order {i}",
                                status=status,
                                capability_id=capability,
                                product_category="load",
                                quantity=rng.randint(100, 5000),
                                unit="pcs",
                                target_unit_price=rng.randint(5, 500),
                                currency="CNY",
                                need_by=today + datetime.timedelta(days=rng.randint(10, 90)),
                                delivery_region_code="330600",
                                delivery_latitude=30,
                                delivery_longitude=120.5,
                                published_at=now,
                            )
                        )
                    else:
                        start_day = today + datetime.timedelta(days=rng.randint(0, 20))
                        capacities.append(
                            CapacityOffer(
                                cluster_id=cluster_id,
                                owner_id=owner,
                                title=f"capacity {i}",
                                status=status,
                                capability_id=capability,
                                quantity_per_period=5000,
                                unit="pcs",
                                available_from=start_day,
                                available_until=start_day + datetime.timedelta(days=60),
                                total_quantity=10000,
                                unit_price=rng.randint(5, 500),
                                lead_time_days=rng.randint(3, 20),
                                region_code="330600",
                                latitude=30,
                                longitude=120.5,
                                published_at=now,
                            )
                        )
                Order.objects.bulk_create(orders, batch_size=BATCH)
                CapacityOffer.objects.bulk_create(capacities, batch_size=BATCH)
                self.stdout.write(f"  {min(listings, start + BATCH):>9} listings")
            # the load-test user: owner of one enterprise in load-000, with proposals to accept
            user = user_ensure_verified(email=LOAD_USER[0], password=LOAD_USER[1], name="Load tester")
            mine = by_cluster[cluster_ids[0]][0]
            EnterpriseMember.objects.get_or_create(enterprise_id=mine, user=user, defaults={"role": "owner"})
            supplies = list(
                CapacityOffer.objects.filter(cluster_id=cluster_ids[0])
                .exclude(owner_id=mine)
                .values_list("pk", "owner_id")[:2000]
            )
            my_orders = []
            for k in range(2000):
                my_orders.append(
                    Order(
                        cluster_id=cluster_ids[0],
                        owner_id=mine,
                        title=f"load order {k}",
                        status="open",
                        capability_id="cnc-machining",
                        product_category="load",
                        quantity=1000,
                        unit="pcs",
                        target_unit_price=100,
                        currency="CNY",
                        need_by=today + datetime.timedelta(days=60),
                        delivery_region_code="330600",
                        delivery_latitude=30,
                        delivery_longitude=120.5,
                        published_at=now,
                    )
                )
            my_orders = Order.objects.bulk_create(my_orders, batch_size=BATCH)
            Match.objects.bulk_create(
                [
                    Match(
                        cluster_id=cluster_ids[0],
                        kind="production",
                        order=o,
                        capacity_id=s,
                        demand_owner_id=mine,
                        supply_owner_id=owner,
                        quantity=10,
                        score=0.5,
                        breakdown={},
                        expires_at=now + datetime.timedelta(days=7),
                    )
                    for o, (s, owner) in zip(my_orders, supplies, strict=False)
                ],
                batch_size=BATCH,
            )
        self._raise_listing_limit()
        with connection.cursor() as cursor:  # fresh planner statistics for the bulk-loaded tables
            for model in (Enterprise, Membership, Order, CapacityOffer, Match):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        self._print_login()

    def _raise_listing_limit(self):
        """The load user owns thousands of open orders and posts more during the run; a rulebook
        version of load-000 lifts the per-member cap, as a council vote would, so posts succeed."""
        cluster = Cluster.objects.get(slug="load-000")
        if RuleVersion.objects.filter(cluster=cluster, changes__has_key=OPEN_LIMIT).exists():
            return
        values = rules_in_force(cluster)
        changes = {OPEN_LIMIT: REGISTRY[OPEN_LIMIT].maximum}
        number = (RuleVersion.objects.filter(cluster=cluster).aggregate(n=Max("number"))["n"] or 0) + 1
        RuleVersion.objects.create(cluster=cluster, number=number, values={**values, **changes}, changes=changes)

    def _close_earlier_runs_orders(self):
        """Each load run posts a thousand orders or so; cancel the ones earlier runs left open,
        so every run starts under the open-listing cap like the first did."""
        cluster = Cluster.objects.get(slug="load-000")
        cancelled = Order.objects.filter(
            cluster=cluster, title=LOAD_ORDER_TITLE, status__in=[ListingStatus.DRAFT, *MATCHABLE]
        ).update(status=ListingStatus.CANCELLED, updated_at=timezone.now())
        if cancelled:
            market_changed(cluster.pk, Order)
            self.stdout.write(f"cancelled {cancelled} orders that earlier load runs posted")

    def _print_login(self):
        self.stdout.write(f"load user: {LOAD_USER[0]} / {LOAD_USER[1]} (owner in load-000)")
