"""Park bookings: the cost of the no-double-booking guarantee.

    DATABASE_URL=postgres://... python benchmarks/parks.py

Prints (1) the time of one booking on a resource that already holds 2,000 live bookings (the
service locks the resource's row and sweeps the overlapping ones), (2) the week calendar's time,
and (3) on PostgreSQL, 8 threads booking one capacity-5 resource over 200 overlapping and
disjoint ranges: bookings per second and whether any moment holds more than the capacity.
"""

import datetime
import os
import pathlib
import statistics
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster_platform.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.core.errors import ConflictError  # noqa: E402
from apps.membership.credit_codes import make_credit_code  # noqa: E402
from apps.membership.models import Enterprise, EnterpriseMember, Membership  # noqa: E402
from apps.parks.lifecycle import peak_in_use  # noqa: E402
from apps.parks.models import WEEKDAYS, Booking, Resource  # noqa: E402
from apps.parks.selectors import week_calendar  # noqa: E402
from apps.parks.services.bookings import booking_create  # noqa: E402
from apps.tenancy.models import Cluster  # noqa: E402

ALWAYS = {day: ["00:00", "24:00"] for day in WEEKDAYS}


def setup():
    from django.contrib.auth import get_user_model

    cluster, _ = Cluster.objects.get_or_create(
        slug="bench-park",
        defaults={"name_zh": "园区基准", "name_en": "Park benchmark", "industry_focus": "all", "region": "China"},
    )
    user, _ = get_user_model().objects.get_or_create(email="bench.park@example.com")
    enterprise = Enterprise.objects.filter(credit_code=make_credit_code("999997", 1)).first()
    if enterprise is None:
        enterprise = Enterprise.objects.create(
            legal_name_zh="园区基准企业",
            credit_code=make_credit_code("999997", 1),
            region_code="320500",
            region_name="Suzhou",
            latitude=31.3,
            longitude=120.6,
        )
    EnterpriseMember.objects.get_or_create(enterprise=enterprise, user=user, defaults={"role": "owner"})
    Membership.objects.get_or_create(cluster=cluster, enterprise=enterprise, defaults={"status": "active"})
    Resource.objects.filter(cluster=cluster).delete()
    return cluster, user, enterprise


def main():
    cluster, user, enterprise = setup()
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
    hall = Resource.objects.create(
        cluster=cluster,
        kind="warehouse",
        name_zh="基准仓",
        location="x",
        capacity=2_000,
        opening_hours=ALWAYS,
        price_unit="day",
    )
    Booking.objects.bulk_create(
        Booking(
            cluster=cluster,
            resource=hall,
            enterprise=enterprise,
            starts_at=start + datetime.timedelta(minutes=i),
            ends_at=start + datetime.timedelta(hours=6, minutes=i),
            quantity=1,
            status="confirmed",
        )
        for i in range(2_000)
    )
    # one booking overlapping only the last 1,500 (1,500 units in use at the peak): the sweep's cost
    times = []
    for i in range(5):
        t = time.perf_counter()
        try:
            with transaction.atomic():
                booking_create(
                    actor=user,
                    cluster=cluster,
                    resource_id=hall.pk,
                    enterprise=enterprise,
                    starts_at=start + datetime.timedelta(hours=8, minutes=i),
                    ends_at=start + datetime.timedelta(hours=9),
                    quantity=1,
                )
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        times.append(time.perf_counter() - t)
    print(f"parks: one booking beside 2,000 live ones: median {statistics.median(times) * 1000:.1f} ms")
    t = time.perf_counter()
    week_calendar(
        hall, week_start=timezone.localdate(start) - datetime.timedelta(days=timezone.localdate(start).weekday())
    )
    print(f"parks: week calendar of that resource: {(time.perf_counter() - t) * 1000:.1f} ms")
    if connection.vendor != "postgresql":
        print("parks: the threaded race needs PostgreSQL (skipped)")
        return
    lab = Resource.objects.create(
        cluster=cluster,
        kind="test_lab",
        name_zh="基准实验室",
        location="x",
        capacity=5,
        opening_hours=ALWAYS,
        price_unit="day",
    )
    ranges = [
        (start + datetime.timedelta(hours=(i % 40)), start + datetime.timedelta(hours=(i % 40) + 2)) for i in range(200)
    ]
    granted, refused, lock = [0], [0], threading.Lock()

    def worker(chunk):
        for s, e in chunk:
            try:
                booking_create(
                    actor=user, cluster=cluster, resource_id=lab.pk, enterprise=enterprise, starts_at=s, ends_at=e
                )
                outcome = granted
            except ConflictError:
                outcome = refused
            with lock:
                outcome[0] += 1
        connections.close_all()

    threads = [threading.Thread(target=worker, args=(ranges[i::8],)) for i in range(8)]
    t = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - t
    live = list(Booking.objects.filter(resource=lab, status__in=["pending", "confirmed"]))
    worst = max(peak_in_use(live, b.starts_at, b.ends_at) for b in live)
    print(
        f"parks: 8 threads, 200 attempts on capacity 5: {granted[0]} granted, {refused[0]} refused, "
        f"{200 / elapsed:.0f} attempts/s, most units in use at any moment: {worst} (capacity 5)"
    )
    Resource.objects.filter(cluster=cluster).delete()


if __name__ == "__main__":
    main()
