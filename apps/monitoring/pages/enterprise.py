"""An enterprise's dashboard: what its people have to act on — open listings, matches awaiting
an answer, deals (late ones first) and the alerts about them."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.marketplace.models import MatchKind
from apps.marketplace.selectors import viewer_enterprise_ids
from apps.tenancy.pages import ADMINISTRATOR, MEMBER, cluster_page

from .. import selectors

ROWS_SHOWN = 20
LISTING_KINDS = {
    "order": gettext_lazy("Production orders"),
    "capacity": gettext_lazy("Capacity offers"),
    "channel_offer": gettext_lazy("Channel offers"),
    "channel_request": gettext_lazy("Channel requests"),
}


def _listing_groups(cluster, mine) -> list[dict]:
    """Per kind, the open listings of the caller's enterprises with their fill (one query a kind)."""
    groups = []
    for kind, label in LISTING_KINDS.items():
        rows = selectors.open_listings(cluster=cluster, kind=kind, enterprise_ids=mine, limit=ROWS_SHOWN + 1)
        groups.append({"kind": kind, "label": label, "listings": rows[:ROWS_SHOWN], "more": len(rows) > ROWS_SHOWN})
    return groups


def _awaiting_answer(cluster, mine) -> list:
    """Proposed matches where one of the caller's enterprises has not answered yet, seen from its side."""
    matches = selectors.matches_awaiting_answer(cluster=cluster, enterprise_ids=mine, limit=ROWS_SHOWN)
    for match in matches:
        demand_side = match.demand_owner_id in mine and match.demand_accepted_at is None
        match.mine = match.demand_owner if demand_side else match.supply_owner
        match.other_party = match.supply_owner if demand_side else match.demand_owner
        match.my_listing = match.demand if demand_side else match.supply
        match.score_percent = round(match.score * 100)
        match.other_accepted = (match.supply_accepted_at if demand_side else match.demand_accepted_at) is not None
    return matches


def _under_way(cluster, mine, today) -> list:
    deals = selectors.deals_under_way(cluster=cluster, enterprise_ids=mine, today=today, limit=ROWS_SHOWN)
    for deal in deals:
        deal.is_late = deal.status in selectors.OPEN_DEAL and deal.due_date < today
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
    return deals


@cluster_page(
    ADMINISTRATOR,
    MEMBER,
    refusal=gettext_lazy("This dashboard is open to the people of the cluster's member enterprises."),
)
def enterprise_dashboard(request, slug):
    access = request.cluster_access
    cluster = access.cluster
    mine = viewer_enterprise_ids(request.user)
    today = timezone.localdate()
    by_status, late = selectors.deal_counts(cluster=cluster, enterprise_ids=mine, today=today)
    listing_groups = _listing_groups(cluster, mine)
    alerts = selectors.alerts_shown(cluster=cluster, enterprise_ids=mine)
    return render(
        request,
        "monitoring/enterprise_dashboard.html",
        access.context(
            listing_groups=listing_groups,
            any_listings=any(group["listings"] for group in listing_groups),
            awaiting=_awaiting_answer(cluster, mine),
            deal_counts=by_status,
            deals=_under_way(cluster, mine, today),
            late_count=late,
            alerts=list(alerts[:ROWS_SHOWN]),
            today=today,
        ),
    )
