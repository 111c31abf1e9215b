"""The administrators' cluster dashboard: the latest KPI snapshot as headline figures, the
series of snapshots as charts (drawn by static/js/dashboard.js from a JSON block rendered with
the page, then refreshed from the metrics API without a page reload), the collaboration network
and the open alerts; and the "take a snapshot now" button."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.tenancy.pages import ADMINISTRATOR, POST, cluster_page

from .. import kpis, selectors, services
from ..api import SnapshotSerializer
from .figures import chart_labels, headline, network_facts

#: how many snapshots the charts show (the page and the API refresh ask for the same number)
SERIES_LIMIT = 100
ALERTS_SHOWN = 50


@cluster_page(ADMINISTRATOR, refusal=gettext_lazy("The cluster dashboard is open to the cluster's administrators."))
def cluster_dashboard(request, slug):
    access = request.cluster_access
    cluster = access.cluster
    snapshots = selectors.snapshots_latest(cluster=cluster, limit=SERIES_LIMIT)
    series = list(SnapshotSerializer(snapshots, many=True).data)  # exactly as the metrics API returns them
    if series:
        current, live = series[-1], False
    else:  # no snapshot yet: the same figures, computed now and not stored
        current, live = {"taken_at": None, "metrics": kpis.compute(cluster)}, True
    metrics = current["metrics"]
    alerts = selectors.alerts_shown(cluster=cluster)
    capabilities = selectors.capability_names()
    by_capability = [
        {**row, "name": capabilities.get(row.get("capability"), row.get("capability")), "percent": _percent(row)}
        for row in metrics.get("capacity_by_capability", [])
    ]
    data = {
        "series": series,
        "current": current,
        "enterprises": selectors.enterprise_names(metrics),
        "capabilities": capabilities,
        "labels": chart_labels(),
    }
    return render(
        request,
        "monitoring/cluster_dashboard.html",
        access.context(
            headline=headline(metrics),
            network=network_facts(metrics),
            taken_at=snapshots[-1].taken_at if snapshots else None,
            live=live,
            by_capability=by_capability,
            dashboard_data=data,
            alerts=list(alerts[:ALERTS_SHOWN]),
            alert_count=alerts.count(),
            metrics_url=reverse("api:metrics-list", kwargs={"cluster_slug": cluster.slug})
            + f"?limit={SERIES_LIMIT}&page_size={SERIES_LIMIT}",
            snapshot_api_url=reverse("api:metrics-snapshot", kwargs={"cluster_slug": cluster.slug}),
        ),
    )


def _percent(row: dict) -> int:
    return round(100 * (row.get("utilisation") or 0))


@cluster_page(
    ADMINISTRATOR, methods=POST, refusal=gettext_lazy("Only the cluster's administrators can take a snapshot.")
)
def snapshot_take(request, slug):
    """The dashboard's "take a snapshot now" button without JavaScript (the script uses the API)."""
    cluster = request.cluster_access.cluster
    services.kpi_snapshot_take(cluster)
    messages.success(request, _("A snapshot of the cluster's figures was taken."))
    return redirect("cluster-dashboard", cluster.slug)
