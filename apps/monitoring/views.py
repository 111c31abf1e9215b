"""Pages of monitoring: the administrators' cluster dashboard and an enterprise's own dashboard.

The cluster dashboard shows the latest KPI snapshot as headline figures, the series of
snapshots as charts (drawn by static/js/dashboard.js from a JSON block rendered with the
page, then refreshed from the metrics API without a page reload), the collaboration network
and the open alerts. An enterprise's dashboard shows what its people have to act on: open
listings, matches awaiting an answer, deals (late ones first) and the alerts about them.

Every list is read with a fixed number of queries; state changes are POSTs that call the
same services as the REST API and redirect with a message.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError, NotFoundError, PermissionDeniedError
from apps.marketplace.models import MATCHABLE, Deal, Match, MatchKind
from apps.marketplace.selectors import viewer_enterprise_ids
from apps.marketplace.services.listings import LISTING_MODELS
from apps.membership.models import Enterprise, Membership
from apps.membership.views import access_refusals, forbidden
from apps.reference.models import Capability
from apps.tenancy import selectors as tenancy_selectors

from . import kpis, services
from .api import SnapshotSerializer
from .models import Alert, KpiSnapshot

#: how many snapshots the charts show (the page and the API refresh ask for the same number)
SERIES_LIMIT = 100
ALERTS_SHOWN = 50
ROWS_SHOWN = 20

SEVERITY_RANK = Case(
    When(severity=Alert.Severity.CRITICAL, then=Value(0)),
    When(severity=Alert.Severity.WARNING, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)

LISTING_KINDS = {
    "order": gettext_lazy("Production orders"),
    "capacity": gettext_lazy("Capacity offers"),
    "channel_offer": gettext_lazy("Channel offers"),
    "channel_request": gettext_lazy("Channel requests"),
}
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


def _cluster_and_roles(request, slug):
    cluster = tenancy_selectors.cluster_get(slug=slug, user=request.user)
    return cluster, tenancy_selectors.cluster_roles_for(user=request.user, cluster=cluster)


def _is_admin(request, roles) -> bool:
    return tenancy_selectors.ADMINISTRATOR in roles or request.user.is_staff


def _next(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _alerts(queryset):
    """Alerts as the pages list them: critical first, open before acknowledged, newest first."""
    return (
        queryset.exclude(state=Alert.State.RESOLVED)
        .annotate(rank=SEVERITY_RANK)
        .prefetch_related(Prefetch("enterprises", queryset=Enterprise.objects.order_by("legal_name_zh")))
        .order_by("rank", "-state", "-last_seen_at", "-pk")
    )


# --- The cluster's public figures ---------------------------------------------------------------


def public_figures(cluster) -> dict:
    """What the cluster's public page shows of itself: active members, deals delivered or closed
    and the on-time rate of those deals — from the latest KPI snapshot (one query), else counted
    now (two COUNT queries)."""
    snapshot = KpiSnapshot.objects.filter(cluster=cluster).order_by("-taken_at").only("taken_at", "metrics").first()
    if snapshot is not None:
        metrics = snapshot.metrics or {}
        active = _lookup(metrics, "members.active") or 0
        done = _lookup(metrics, "deals.delivered") or 0  # "delivered" counts delivered and closed deals
        on_time, as_of = metrics.get("on_time_rate"), snapshot.taken_at
    else:
        active = Membership.objects.filter(cluster=cluster, status=Membership.Status.ACTIVE).count()
        delivered = Deal.objects.filter(cluster=cluster, status__in=[D.DELIVERED, D.CLOSED]).aggregate(
            n=Count("pk"), on_time=Count("pk", filter=Q(delivered_at__date__lte=F("due_date")))
        )
        done = delivered["n"]
        on_time, as_of = (round(delivered["on_time"] / done, 4) if done else None), None
    return {
        "active_members": active,
        "deals_done": done,
        "on_time_rate": on_time,
        "on_time_text": figure(on_time, "percent"),
        "as_of": as_of,
    }


# --- The cluster dashboard (administrators) -----------------------------------------------------


def _series(cluster) -> tuple[list[KpiSnapshot], list[dict]]:
    """The latest snapshots, oldest first, and the same exactly as the metrics API returns them."""
    latest = KpiSnapshot.objects.filter(cluster=cluster).order_by("-taken_at")[:SERIES_LIMIT]
    snapshots = sorted(latest, key=lambda s: s.taken_at)
    return snapshots, list(SnapshotSerializer(snapshots, many=True).data)


def _enterprise_names(metrics: dict) -> dict[str, str]:
    """Names of the enterprises in the collaboration network (one query)."""
    ids = {node for edge in (metrics.get("network") or {}).get("edges", []) for node in edge}
    if not ids:
        return {}
    return {str(e.pk): e.name for e in Enterprise.objects.filter(pk__in=ids).only("legal_name_zh", "legal_name_en")}


def figure(value, kind: str) -> str:
    """A KPI as the pages write it (static/js/dashboard.js writes it the same way)."""
    if value is None:
        return "—"
    if kind == "percent":
        return f"{value * 100:.1f} %"
    if kind == "hours":
        return _("%(value)s h") % {"value": f"{value:.1f}"}
    if kind == "rating":
        return _("%(value)s / 5") % {"value": f"{value:.2f}"}
    return str(value)


def _headline(metrics: dict) -> list[dict]:
    """The headline figures by group: (path in the metrics, label, format) with the value written out."""
    groups = [
        (
            _("Members"),
            [
                ("members.active", _("Active"), "int"),
                ("members.pending", _("Pending"), "int"),
                ("members.suspended", _("Suspended"), "int"),
            ],
        ),
        (
            _("Open listings"),
            [
                ("listings_open.orders", _("Orders"), "int"),
                ("listings_open.capacities", _("Capacity offers"), "int"),
                ("listings_open.channel_offers", _("Channel offers"), "int"),
                ("listings_open.channel_requests", _("Channel requests"), "int"),
            ],
        ),
        (
            _("Matching"),
            [
                ("demand_matched_share", _("Demand matched"), "percent"),
                ("median_hours_to_first_proposal", _("Median time to the first proposal"), "hours"),
                ("median_hours_to_deal", _("Median time to a deal"), "hours"),
            ],
        ),
        (
            _("Delivery"),
            [
                ("on_time_rate", _("On-time delivery"), "percent"),
                ("capacity_utilisation", _("Capacity utilisation"), "percent"),
                ("average_rating", _("Average rating"), "rating"),
                ("deals.delivered", _("Deals delivered or closed"), "int"),
            ],
        ),
    ]
    return [
        {
            "label": label,
            "items": [
                {"path": path, "label": name, "format": kind, "text": figure(_lookup(metrics, path), kind)}
                for path, name, kind in items
            ],
        }
        for label, items in groups
    ]


def _lookup(metrics: dict, path: str):
    value = metrics
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _chart_labels() -> dict[str, str]:
    """The words the charts write, in the page's language (the script has no catalogue)."""
    return {
        "members_active": _("Active members"),
        "members_with_partner": _("Members with a partner"),
        "demand_matched_share": _("Demand matched"),
        "on_time_rate": _("On-time delivery"),
        "capacity_utilisation": _("Capacity utilisation"),
        "no_series": _("No snapshot yet: take one to start the series."),
        "no_capacity": _("No capacity offered yet."),
        "no_network": _("No deals between members yet."),
        "reserved_of_total": _("%(reserved)s of %(total)s reserved"),
        "partners": _("partners: %(count)s"),
        "updated": _("Updated %(time)s."),
        "refresh_failed": _("The figures could not be refreshed; they are retried in a minute."),
        "snapshot_taken": _("A snapshot was taken; the charts are up to date."),
        "snapshot_failed": _("The snapshot could not be taken. Try again."),
        "hours": _("%(value)s h"),
        "rating": _("%(value)s / 5"),
    }


@login_required
@access_refusals
def cluster_dashboard(request, slug):
    cluster, roles = _cluster_and_roles(request, slug)
    if not _is_admin(request, roles):
        return forbidden(request, _("The cluster dashboard is open to the cluster's administrators."))
    snapshots, series = _series(cluster)
    if series:
        current, live = series[-1], False
    else:  # no snapshot yet: the same figures, computed now and not stored
        current, live = {"taken_at": None, "metrics": kpis.compute(cluster)}, True
    metrics = current["metrics"]
    alerts = _alerts(Alert.objects.filter(cluster=cluster))
    alert_count = alerts.count()
    capabilities = {c.code: c.name for c in Capability.objects.only("code", "name_en", "name_zh")}
    by_capability = [
        {**row, "name": capabilities.get(row.get("capability"), row.get("capability")), "percent": _percent(row)}
        for row in metrics.get("capacity_by_capability", [])
    ]
    data = {
        "series": series,
        "current": current,
        "enterprises": _enterprise_names(metrics),
        "capabilities": capabilities,
        "labels": _chart_labels(),
    }
    return render(
        request,
        "monitoring/cluster_dashboard.html",
        {
            "cluster": cluster,
            "is_admin": True,
            "is_member": tenancy_selectors.MEMBER in roles,
            "headline": _headline(metrics),
            "network": _network_facts(metrics),
            "taken_at": snapshots[-1].taken_at if snapshots else None,
            "live": live,
            "by_capability": by_capability,
            "dashboard_data": data,
            "alerts": list(alerts[:ALERTS_SHOWN]),
            "alert_count": alert_count,
            "metrics_url": reverse("api:metrics-list", kwargs={"cluster_slug": cluster.slug})
            + f"?limit={SERIES_LIMIT}",
            "snapshot_api_url": reverse("api:metrics-snapshot", kwargs={"cluster_slug": cluster.slug}),
        },
    )


def _network_facts(metrics: dict) -> list[dict]:
    facts = [
        ("network.members_with_partner", _("Members with a partner"), "int"),
        ("network.links", _("Partner links"), "int"),
        ("network.largest_group", _("Largest connected group"), "int"),
        ("network.cross_region_share", _("Links across provinces"), "percent"),
        ("network.cross_industry_share", _("Links across industries"), "percent"),
        ("network.density", _("Density"), "percent"),
    ]
    return [
        {"path": path, "label": label, "format": kind, "text": figure(_lookup(metrics, path), kind)}
        for path, label, kind in facts
    ]


def _percent(row: dict) -> int:
    return round(100 * (row.get("utilisation") or 0))


@login_required
@require_POST
@access_refusals
def snapshot_take(request, slug):
    """The dashboard's "take a snapshot now" button without JavaScript (the script uses the API)."""
    cluster, roles = _cluster_and_roles(request, slug)
    if not _is_admin(request, roles):
        return forbidden(request, _("Only the cluster's administrators can take a snapshot."))
    services.kpi_snapshot_take(cluster)
    messages.success(request, _("A snapshot of the cluster's figures was taken."))
    return redirect("cluster-dashboard", cluster.slug)


ALERT_DONE = {
    Alert.State.ACKNOWLEDGED: gettext_lazy("The alert is acknowledged."),
    Alert.State.RESOLVED: gettext_lazy("The alert is resolved."),
}


@login_required
@require_POST
@access_refusals
def alert_set_state(request, slug, pk, state):
    """Acknowledge or resolve an alert: administrators, or the people of an enterprise it concerns."""
    cluster, roles = _cluster_and_roles(request, slug)
    default = reverse("cluster-dashboard" if _is_admin(request, roles) else "enterprise-dashboard", args=[slug])
    try:
        services.alert_set_state(actor=request.user, cluster=cluster, alert_id=pk, state=state)
    except (PermissionDeniedError, NotFoundError):
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, ALERT_DONE[state])
    return redirect(_next(request, default))


# --- An enterprise's dashboard ------------------------------------------------------------------


def _open_listings(cluster, mine: set[int]) -> list[dict]:
    """Per kind, the open listings of the caller's enterprises with their fill (one query a kind)."""
    groups = []
    for kind, label in LISTING_KINDS.items():
        used_field, total_field = FILL_FIELDS[kind]
        rows = list(
            LISTING_MODELS[kind]
            .objects.filter(cluster=cluster, owner_id__in=mine, status__in=MATCHABLE)
            .select_related("owner", *LISTING_RELATED.get(kind, ()))
            .order_by("-published_at", "-pk")[: ROWS_SHOWN + 1]
        )
        for listing in rows:
            listing.kind = kind
            listing.used, listing.total = getattr(listing, used_field), getattr(listing, total_field)
            listing.fill_percent = round(100 * listing.used / listing.total) if listing.total else 0
        groups.append({"kind": kind, "label": label, "listings": rows[:ROWS_SHOWN], "more": len(rows) > ROWS_SHOWN})
    return groups


def _awaiting_answer(cluster, mine: set[int]) -> list[Match]:
    """Proposed matches where one of the caller's enterprises has not answered yet."""
    matches = list(
        Match.objects.filter(cluster=cluster, status=Match.Status.PROPOSED)
        .filter(
            Q(demand_owner_id__in=mine, demand_accepted_at__isnull=True)
            | Q(supply_owner_id__in=mine, supply_accepted_at__isnull=True)
        )
        .select_related("demand_owner", "supply_owner", "order", "capacity", "channel_request", "channel_offer")
        .order_by("expires_at", "pk")[:ROWS_SHOWN]
    )
    for match in matches:
        demand_side = match.demand_owner_id in mine and match.demand_accepted_at is None
        match.mine = match.demand_owner if demand_side else match.supply_owner
        match.other_party = match.supply_owner if demand_side else match.demand_owner
        match.my_listing = match.demand if demand_side else match.supply
        match.score_percent = round(match.score * 100)
        match.other_accepted = (match.supply_accepted_at if demand_side else match.demand_accepted_at) is not None
    return matches


def _deals(cluster, mine: set[int], today: datetime.date) -> tuple[list[dict], list[Deal], int]:
    """Counts by status with the number of late deals (one query), and the deals still under way,
    late ones first (one query)."""
    deals = Deal.objects.filter(cluster=cluster).filter(Q(buyer_id__in=mine) | Q(supplier_id__in=mine))
    rows = list(
        deals.values("status").annotate(n=Count("pk"), late=Count("pk", filter=Q(due_date__lt=today))).order_by()
    )
    counts = {row["status"]: row["n"] for row in rows}
    late = sum(row["late"] for row in rows if row["status"] in OPEN_DEAL)
    by_status = [
        {"status": s.value, "label": s.label, "count": counts[s.value]} for s in DEAL_ORDER if counts.get(s.value)
    ]
    under_way = list(
        deals.filter(status__in=[*OPEN_DEAL, D.DISPUTED])
        .select_related("buyer", "supplier", "match__order", "match__channel_request")
        .annotate(
            late_first=Case(
                When(status__in=OPEN_DEAL, due_date__lt=today, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("late_first", "due_date", "pk")[:ROWS_SHOWN]
    )
    for deal in under_way:
        deal.is_late = deal.status in OPEN_DEAL and deal.due_date < today
        deal.days_late = (today - deal.due_date).days if deal.is_late else 0
        deal.i_buy = deal.buyer_id in mine
        deal.other_party = deal.supplier if deal.i_buy else deal.buyer
        match = deal.match
        deal.title = (
            match.order.title
            if match.kind == MatchKind.PRODUCTION and match.order_id
            else match.channel_request.title
            if match.channel_request_id
            else ""
        )
    return by_status, under_way, late


@login_required
@access_refusals
def enterprise_dashboard(request, slug):
    cluster, roles = _cluster_and_roles(request, slug)
    is_admin = _is_admin(request, roles)
    is_member = tenancy_selectors.MEMBER in roles
    if not (is_admin or is_member):
        return forbidden(request, _("This dashboard is open to the people of the cluster's member enterprises."))
    mine = viewer_enterprise_ids(request.user)
    today = timezone.localdate()
    by_status, under_way, late = _deals(cluster, mine, today)
    listing_groups = _open_listings(cluster, mine)
    return render(
        request,
        "monitoring/enterprise_dashboard.html",
        {
            "cluster": cluster,
            "is_admin": is_admin,
            "is_member": is_member,
            "listing_groups": listing_groups,
            "any_listings": any(group["listings"] for group in listing_groups),
            "awaiting": _awaiting_answer(cluster, mine),
            "deal_counts": by_status,
            "deals": under_way,
            "late_count": late,
            "alerts": list(
                _alerts(Alert.objects.filter(cluster=cluster, enterprises__in=mine).distinct())[:ROWS_SHOWN]
            ),
            "today": today,
        },
    )
