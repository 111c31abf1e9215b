"""The park's resources under watch: their utilisation for the KPIs, and the alerts of an idle resource
and of booking requests queueing for confirmation (rulebook: ``parks.idle_alert_days``,
``parks.pending_alert_threshold``)."""

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from apps.parks.lifecycle import LIVE, BookingStatus
from apps.parks.models import WEEKDAYS, Booking, Resource
from apps.tenancy.rules import rules_in_force

WINDOW_DAYS = 30


def _open_hours(opening_hours: dict, since: datetime.datetime, until: datetime.datetime) -> float:
    """Hours the resource is open between ``since`` and ``until`` (whole local days)."""
    hours, day = 0.0, timezone.localtime(since).date()
    last = timezone.localtime(until).date()
    while day < last:
        window = (opening_hours or {}).get(WEEKDAYS[day.weekday()])
        if window:
            opens = int(window[0][:2]) + int(window[0][3:]) / 60
            closes = 24.0 if window[1] == "24:00" else int(window[1][:2]) + int(window[1][3:]) / 60
            hours += max(0.0, closes - opens)
        day += datetime.timedelta(days=1)
    return hours


def resource_kpis(cluster, now=None) -> dict:
    """Utilisation over the last 30 days: unit-hours booked (live bookings, clipped to the window) over
    unit-hours open (capacity × opening hours), for the cluster's active resources. Two queries."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=WINDOW_DAYS)
    resources = {
        r.pk: r for r in Resource.objects.filter(cluster=cluster, active=True).only("pk", "capacity", "opening_hours")
    }
    booked = 0.0
    rows = Booking.objects.filter(
        cluster=cluster, resource_id__in=resources, status__in=LIVE, starts_at__lt=now, ends_at__gt=since
    ).values_list("starts_at", "ends_at", "quantity")
    for starts_at, ends_at, quantity in rows.iterator(chunk_size=2000):
        booked += (min(ends_at, now) - max(starts_at, since)).total_seconds() / 3600 * quantity
    available = sum(r.capacity * _open_hours(r.opening_hours, since, now) for r in resources.values())
    return {
        "resources": len(resources),
        "booked_unit_hours_30d": round(booked, 1),
        "utilisation_30d": round(min(booked / available, 1.0), 4) if available else 0.0,
        "bookings_pending": Booking.objects.filter(cluster=cluster, status=BookingStatus.PENDING).count(),
    }


def scan_resources(cluster, *, alert_raise, resolve_cleared, now=None) -> dict:
    """An active resource with no live booking over the last ``parks.idle_alert_days`` (listed at least that
    long ago) raises ``resource_idle``; ``parks.pending_alert_threshold`` bookings awaiting confirmation
    raise ``bookings_pending``. Conditions that cleared resolve their alerts."""
    now = now or timezone.now()
    rules = rules_in_force(cluster)
    days = rules["parks.idle_alert_days"]
    since = now - datetime.timedelta(days=days)
    used = Booking.objects.filter(resource=OuterRef("pk"), status__in=LIVE, starts_at__lt=now, ends_at__gt=since)
    idle = Resource.objects.filter(cluster=cluster, active=True, created_at__lte=since).exclude(Exists(used))
    keys = set()
    for resource in idle.only("pk", "name_zh", "name_en").iterator(chunk_size=500):
        key = f"resource-idle:{resource.pk}"
        keys.add(key)
        alert_raise(
            cluster=cluster,
            key=key,
            kind="resource_idle",
            obj=resource,
            params={"name": resource.name_zh, "days": days},
            link=reverse("park-resource", args=[cluster.slug, resource.pk]),
            administrators=True,
            now=now,
        )
    resolve_cleared(cluster, "resource_idle", keys, now)
    pending = Booking.objects.filter(cluster=cluster, status=BookingStatus.PENDING).count()
    queue_keys = set()
    if pending >= rules["parks.pending_alert_threshold"]:
        key = f"bookings-pending:{cluster.pk}"
        queue_keys.add(key)
        alert_raise(
            cluster=cluster,
            key=key,
            kind="bookings_pending",
            params={"count": pending},
            link=reverse("park-bookings", args=[cluster.slug]) + "?status=pending",
            administrators=True,
            now=now,
        )
    resolve_cleared(cluster, "bookings_pending", queue_keys, now)
    return {"resources_idle": len(keys), "bookings_pending": pending}
