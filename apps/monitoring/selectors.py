"""Reads of monitoring, shared by the pages and the API; every query takes the cluster.

Each list is read with a fixed number of queries, whatever its length.
"""

import datetime

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When

from apps.marketplace.models import LISTING_MODELS, MATCHABLE, Deal, Match
from apps.membership.models import Enterprise, Membership
from apps.reference.models import Capability

from .models import Alert, KpiSnapshot

SEVERITY_RANK = Case(
    When(severity=Alert.Severity.CRITICAL, then=Value(0)),
    When(severity=Alert.Severity.WARNING, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)

#: listing kind -> (used quantity field, total quantity field)
FILL_FIELDS = {
    "order": ("filled_quantity", "quantity"),
    "capacity": ("reserved_quantity", "total_quantity"),
    "channel_offer": ("reserved_volume", "monthly_volume"),
    "channel_request": ("filled_volume", "monthly_volume"),
}
LISTING_RELATED = {"order": ("capability",), "capacity": ("capability",)}

D = Deal.Status
OPEN_DEAL = [D.CONFIRMED, D.IN_PRODUCTION, D.QUALITY_CHECKED, D.SHIPPED]
#: the order in which the deal counts are listed
DEAL_ORDER = [*OPEN_DEAL, D.DISPUTED, D.DELIVERED, D.CLOSED, D.CANCELLED]


# --- Alerts -------------------------------------------------------------------------------------


def alerts_for(*, cluster, enterprise_ids=None) -> QuerySet[Alert]:
    """The cluster's alerts, or (with ``enterprise_ids``) those about these enterprises; newest first."""
    qs = Alert.objects.filter(cluster=cluster)
    if enterprise_ids is not None:
        qs = qs.filter(enterprises__in=enterprise_ids).distinct()
    return qs.order_by("-last_seen_at", "-pk")


def alerts_shown(*, cluster, enterprise_ids=None) -> QuerySet[Alert]:
    """Alerts as the pages list them: not resolved, critical first, open before acknowledged, newest first."""
    return (
        alerts_for(cluster=cluster, enterprise_ids=enterprise_ids)
        .exclude(state=Alert.State.RESOLVED)
        .annotate(rank=SEVERITY_RANK)
        .prefetch_related(Prefetch("enterprises", queryset=Enterprise.objects.order_by("legal_name_zh")))
        .order_by("rank", "-state", "-last_seen_at", "-pk")
    )


# --- KPI snapshots ------------------------------------------------------------------------------


def snapshots_of(*, cluster) -> QuerySet[KpiSnapshot]:
    return KpiSnapshot.objects.filter(cluster=cluster)


def snapshots_latest(*, cluster, limit: int) -> list[KpiSnapshot]:
    """The cluster's ``limit`` latest snapshots, oldest first (the charts' series)."""
    latest = snapshots_of(cluster=cluster).order_by("-taken_at")[:limit]
    return sorted(latest, key=lambda snapshot: snapshot.taken_at)


def lookup(metrics: dict, path: str):
    """The value at ``path`` (``members.active``) in a snapshot's metrics, or None."""
    value = metrics
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def public_counts(*, cluster) -> dict:
    """What the cluster's public page shows of itself: active members, deals delivered or closed
    and the on-time rate of those deals — from the latest KPI snapshot (one query), else counted
    now (two COUNT queries)."""
    snapshot = KpiSnapshot.objects.filter(cluster=cluster).order_by("-taken_at").only("taken_at", "metrics").first()
    if snapshot is not None:
        metrics = snapshot.metrics or {}
        return {
            "active_members": lookup(metrics, "members.active") or 0,
            "deals_done": lookup(metrics, "deals.delivered") or 0,  # "delivered" counts delivered and closed deals
            "on_time_rate": metrics.get("on_time_rate"),
            "as_of": snapshot.taken_at,
        }
    delivered = Deal.objects.filter(cluster=cluster, status__in=[D.DELIVERED, D.CLOSED]).aggregate(
        n=Count("pk"), on_time=Count("pk", filter=Q(delivered_at__date__lte=F("due_date")))
    )
    done = delivered["n"]
    return {
        "active_members": Membership.objects.filter(cluster=cluster, status=Membership.Status.ACTIVE).count(),
        "deals_done": done,
        "on_time_rate": round(delivered["on_time"] / done, 4) if done else None,
        "as_of": None,
    }


def enterprise_names(metrics: dict) -> dict[str, str]:
    """Names of the enterprises in the collaboration network (one query)."""
    network = metrics.get("network") or {}
    edges = [*network.get("edges", []), *network.get("innovation_edges", [])]
    ids = {node for edge in edges for node in edge}
    if not ids:
        return {}
    return {str(e.pk): e.name for e in Enterprise.objects.filter(pk__in=ids).only("legal_name_zh", "legal_name_en")}


def capability_names() -> dict[str, str]:
    return {c.code: c.name for c in Capability.objects.only("code", "name_en", "name_zh")}


# --- An enterprise's dashboard ------------------------------------------------------------------


def open_listings(*, cluster, kind: str, enterprise_ids, limit: int) -> list:
    """The open listings of kind ``kind`` of these enterprises, newest first, with their fill
    (``used``, ``total``, ``fill_percent``); one query, at most ``limit`` rows."""
    used_field, total_field = FILL_FIELDS[kind]
    rows = list(
        LISTING_MODELS[kind]
        .objects.filter(cluster=cluster, owner_id__in=enterprise_ids, status__in=MATCHABLE)
        .select_related("owner", *LISTING_RELATED.get(kind, ()))
        .order_by("-published_at", "-pk")[:limit]
    )
    for listing in rows:
        listing.kind = kind
        listing.used, listing.total = getattr(listing, used_field), getattr(listing, total_field)
        listing.fill_percent = round(100 * listing.used / listing.total) if listing.total else 0
    return rows


def matches_awaiting_answer(*, cluster, enterprise_ids, limit: int) -> list[Match]:
    """Proposed matches where one of these enterprises has not answered yet, soonest to expire first."""
    return list(
        Match.objects.filter(cluster=cluster, status=Match.Status.PROPOSED)
        .filter(
            Q(demand_owner_id__in=enterprise_ids, demand_accepted_at__isnull=True)
            | Q(supply_owner_id__in=enterprise_ids, supply_accepted_at__isnull=True)
        )
        .select_related("demand_owner", "supply_owner", "order", "capacity", "channel_request", "channel_offer")
        .order_by("expires_at", "pk")[:limit]
    )


def deals_of(*, cluster, enterprise_ids) -> QuerySet[Deal]:
    return Deal.objects.filter(cluster=cluster).filter(
        Q(buyer_id__in=enterprise_ids) | Q(supplier_id__in=enterprise_ids)
    )


def deal_counts(*, cluster, enterprise_ids, today: datetime.date) -> tuple[list[dict], int]:
    """The deals of these enterprises counted by status (in ``DEAL_ORDER``), and how many open
    deals are late (one query)."""
    rows = list(
        deals_of(cluster=cluster, enterprise_ids=enterprise_ids)
        .values("status")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_date__lt=today)))
        .order_by()
    )
    counts = {row["status"]: row["n"] for row in rows}
    late = sum(row["late"] for row in rows if row["status"] in OPEN_DEAL)
    by_status = [
        {"status": s.value, "label": s.label, "count": counts[s.value]} for s in DEAL_ORDER if counts.get(s.value)
    ]
    return by_status, late


def deals_under_way(*, cluster, enterprise_ids, today: datetime.date, limit: int) -> list[Deal]:
    """The deals of these enterprises still under way (or disputed), late ones first (one query)."""
    return list(
        deals_of(cluster=cluster, enterprise_ids=enterprise_ids)
        .filter(status__in=[*OPEN_DEAL, D.DISPUTED])
        .select_related("buyer", "supplier", "match__order", "match__channel_request")
        .annotate(
            late_first=Case(
                When(status__in=OPEN_DEAL, due_date__lt=today, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("late_first", "due_date", "pk")[:limit]
    )
