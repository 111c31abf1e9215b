"""Every read of parks, shared by the pages and the API; each takes the cluster.

Who sees which booking is decided here once: administrators see every booking of the cluster;
a member's people see their own enterprises' bookings. The calendar shows everyone how much of
a resource is taken when, never by whom. Visits: administrators and auditors see them all, an
enterprise's people see their own.
"""

import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from apps.membership.models import Enterprise, EnterpriseMember, Membership
from apps.tenancy.selectors import ADMINISTRATOR

from .lifecycle import LIVE, VisitStatus, peak_in_use
from .models import LEVEL_RANK, WEEKDAYS, Booking, Level, Resource, Visit
from .roles import AUDITOR


def resources(*, cluster) -> QuerySet[Resource]:
    return Resource.objects.filter(cluster=cluster).order_by("kind", "name_zh", "pk")


def resource_get(*, cluster, pk: int) -> Resource | None:
    return resources(cluster=cluster).filter(pk=pk).first()


def _own_enterprises(user):
    return EnterpriseMember.objects.filter(user=user).values("enterprise_id")


def bookings(*, cluster, user, roles) -> QuerySet[Booking]:
    qs = Booking.objects.filter(cluster=cluster).select_related("resource", "enterprise")
    if ADMINISTRATOR in roles or user.is_staff:
        return qs
    return qs.filter(enterprise_id__in=_own_enterprises(user))


def visits(*, cluster, user, roles) -> QuerySet[Visit]:
    qs = Visit.objects.filter(cluster=cluster).select_related("enterprise", "auditor")
    if ADMINISTRATOR in roles or AUDITOR in roles or user.is_staff:
        return qs
    return qs.filter(enterprise_id__in=_own_enterprises(user))


def levels_of(*, cluster_ids, enterprise_ids, now=None) -> dict[tuple[int, int], dict]:
    """``{(cluster_id, enterprise_id): {"level", "expires_at"}}``: the highest level in force (one query)."""
    now = now or timezone.now()
    rows = Visit.objects.filter(
        cluster_id__in=set(cluster_ids),
        enterprise_id__in=set(enterprise_ids),
        status=VisitStatus.COMPLETED,
        withdrawn_at__isnull=True,
        expires_at__gt=now,
    ).exclude(level=Level.NONE)
    best: dict[tuple[int, int], dict] = {}
    for cluster_id, enterprise_id, level, expires_at in rows.values_list(
        "cluster_id", "enterprise_id", "level", "expires_at"
    ):
        key = (cluster_id, enterprise_id)
        if key not in best or LEVEL_RANK[level] > LEVEL_RANK[best[key]["level"]]:
            best[key] = {"level": level, "label": str(Level(level).label), "expires_at": expires_at}
    return best


def level_of(*, cluster, enterprise_id: int) -> str:
    found = levels_of(cluster_ids=[cluster.pk], enterprise_ids=[enterprise_id])
    return found.get((cluster.pk, enterprise_id), {}).get("level", Level.NONE)


def week_calendar(resource: Resource, *, week_start: datetime.date) -> dict:
    """A week of the resource by the hour: for each day its hours, each open or closed and the units taken
    (one query). Days start on ``week_start`` (a Monday)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(week_start, datetime.time(0), tzinfo=tz)
    end = start + datetime.timedelta(days=7)
    taken = list(
        Booking.objects.filter(resource=resource, status__in=LIVE, starts_at__lt=end, ends_at__gt=start).only(
            "starts_at", "ends_at", "quantity"
        )
    )
    hours_open = [
        (resource.opening_hours or {}).get(WEEKDAYS[(week_start + datetime.timedelta(days=d)).weekday()])
        for d in range(7)
    ]
    first = min((int(h[0][:2]) for h in hours_open if h), default=8)
    last = max((int(h[1][:2]) + (h[1][3:] != "00") for h in hours_open if h), default=18)
    # each booking into the hours it touches (bounded by the week's 168 hours), then the peak within each hour
    by_slot: dict[tuple[int, int], list] = {}
    for booking in taken:
        first_slot = max(0, int((booking.starts_at - start).total_seconds() // 3600))
        last_slot = min(7 * 24 - 1, int(((booking.ends_at - start).total_seconds() - 1) // 3600))
        for index in range(first_slot, last_slot + 1):
            by_slot.setdefault(divmod(index, 24), []).append(booking)
    days = []
    for d in range(7):
        day = week_start + datetime.timedelta(days=d)
        hours = hours_open[d]
        slots = []
        for hour in range(first, last):
            slot_start = datetime.datetime.combine(day, datetime.time(hour), tzinfo=tz)
            is_open = bool(hours) and hours[0] <= f"{hour:02d}:00" and f"{hour + 1:02d}:00" <= hours[1]
            here = by_slot.get((d, hour), ())
            used = peak_in_use(here, slot_start, slot_start + datetime.timedelta(hours=1)) if here else 0
            state = "closed" if not is_open else ("full" if used >= resource.capacity else ("part" if used else "free"))
            slots.append({"hour": hour, "used": used, "state": state})
        days.append({"date": day, "slots": slots})
    rows = [{"hour": hour, "cells": [day["slots"][i] for day in days]} for i, hour in enumerate(range(first, last))]
    return {"hours": list(range(first, last)), "days": days, "rows": rows, "week_start": week_start}


def pending_count(*, cluster) -> int:
    return Booking.objects.filter(cluster=cluster, status="pending").count()


def resources_with_live_counts(*, cluster):
    """Resources with their upcoming live bookings prefetched (the list page)."""
    upcoming = Booking.objects.filter(status__in=LIVE, ends_at__gt=timezone.now()).only(
        "resource_id", "starts_at", "ends_at", "quantity"
    )
    return resources(cluster=cluster).prefetch_related(Prefetch("bookings", queryset=upcoming, to_attr="upcoming"))


def bookable_enterprises(*, cluster, user) -> QuerySet[Enterprise]:
    """The caller's enterprises that are active members of the cluster (those it may book for)."""
    return Enterprise.objects.filter(
        people__user=user, memberships__cluster=cluster, memberships__status=Membership.Status.ACTIVE
    ).order_by("legal_name_zh")


def member_enterprises(*, cluster) -> QuerySet[Enterprise]:
    """The cluster's active member enterprises (who may be visited)."""
    return Enterprise.objects.filter(
        memberships__cluster=cluster, memberships__status=Membership.Status.ACTIVE
    ).order_by("legal_name_zh")


def map_points(*, cluster) -> dict:
    """What the cluster's map shows: members at their city's centre (never an enterprise's own point, which is
    private to its people), resources at their point, partner clusters where partnerships place them.
    Three queries whatever the number of members."""
    from django.db.models import Count

    from apps.reference.models import Region

    from .lifecycle import partner_clusters

    by_region = list(
        Membership.objects.filter(cluster=cluster, status=Membership.Status.ACTIVE)
        .values("enterprise__region_code")
        .annotate(n=Count("pk"))
        .order_by("enterprise__region_code")
    )
    codes = {row["enterprise__region_code"] for row in by_region}
    wanted = codes | {c[:4] + "00" for c in codes} | {c[:2] + "0000" for c in codes}
    regions = {r.code: r for r in Region.objects.filter(code__in=wanted)}
    members = []
    for row in by_region:
        code = row["enterprise__region_code"]
        region = next((regions[c] for c in (code, code[:4] + "00", code[:2] + "0000") if c in regions), None)
        if region is not None:
            members.append(
                {"name": region.name, "latitude": region.latitude, "longitude": region.longitude, "count": row["n"]}
            )
    placed = [
        {"name": r.name_zh, "latitude": r.latitude, "longitude": r.longitude, "kind": r.get_kind_display(), "pk": r.pk}
        for r in resources(cluster=cluster).filter(latitude__isnull=False, longitude__isnull=False, active=True)
    ]
    return {"members": members, "resources": placed, "partners": partner_clusters(cluster)}
