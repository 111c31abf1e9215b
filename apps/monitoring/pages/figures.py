"""The KPIs as the pages write them (static/js/dashboard.js writes them the same way)."""

from django.utils.translation import gettext as _

from .. import selectors


def figure(value, kind: str) -> str:
    """A KPI as the pages write it (static/js/dashboard.js writes it the same way)."""
    if value is None:
        return "—"
    if kind == "percent":
        return f"{value * 100:.1f} %"
    if kind == "hours":
        return _("%(value)s h") % {"value": f"{value:.1f}"}
    if kind == "days":
        return _("%(value)s d") % {"value": f"{value:.1f}"}
    if kind == "rating":
        return _("%(value)s / 5") % {"value": f"{value:.2f}"}
    return str(value)


def public_figures(cluster) -> dict:
    """The cluster's public page's figures (registered with tenancy in ``MonitoringConfig.ready``)."""
    counts = selectors.public_counts(cluster=cluster)
    return {**counts, "on_time_text": figure(counts["on_time_rate"], "percent")}


def _items(metrics: dict, items) -> list[dict]:
    return [
        {"path": path, "label": label, "format": kind, "text": figure(selectors.lookup(metrics, path), kind)}
        for path, label, kind in items
    ]


def headline(metrics: dict) -> list[dict]:
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
        (
            _("Innovation"),
            [
                ("innovation.challenges_posted", _("Challenges posted"), "int"),
                ("innovation.challenges_solved", _("Challenges solved"), "int"),
                ("innovation.median_days_to_solution", _("Median time to a solution"), "days"),
                ("innovation.library_entries_reused", _("Library entries reused by another member"), "int"),
                ("innovation.library_reusing_enterprises", _("Members reusing the library"), "int"),
            ],
        ),
        (
            _("Park resources"),
            [
                ("park_resources.resources", _("Resources open for booking"), "int"),
                ("park_resources.utilisation_30d", _("Resource utilisation, last 30 days"), "percent"),
                ("park_resources.bookings_pending", _("Bookings awaiting confirmation"), "int"),
            ],
        ),
    ]
    return [{"label": label, "items": _items(metrics, items)} for label, items in groups]


def network_facts(metrics: dict) -> list[dict]:
    return _items(
        metrics,
        [
            ("network.members_with_partner", _("Members with a partner"), "int"),
            ("network.links", _("Partner links"), "int"),
            ("network.largest_group", _("Largest connected group"), "int"),
            ("network.cross_region_share", _("Links across provinces"), "percent"),
            ("network.cross_industry_share", _("Links across industries"), "percent"),
            ("network.density", _("Density"), "percent"),
            ("network.innovation_links", _("Innovation links (seeker–solver, consortium)"), "int"),
        ],
    )


def chart_labels() -> dict[str, str]:
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
        "days": _("%(value)s d"),
        "innovation_link": _("innovation link"),
        "rating": _("%(value)s / 5"),
    }
