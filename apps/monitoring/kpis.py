"""KPI snapshots of a cluster, computed in the database with aggregates.

Each figure is one aggregate query (medians: an ordered query reading the middle row);
only the largest connected group of the collaboration network walks the distinct
partner pairs (one row per pair, not per deal).
"""

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import Substr

from apps.innovation.selectors import innovation_figures, innovation_links, knowledge_reuse_figures
from apps.marketplace.models import (
    MATCHABLE,
    CapacityOffer,
    ChannelOffer,
    ChannelRequest,
    Deal,
    ListingStatus,
    Order,
    Rating,
)
from apps.membership.models import Enterprise, Membership

from .parks import resource_kpis

LIVE_DEALS = [s for s in Deal.Status.values if s != Deal.Status.CANCELLED]


def _median_seconds(qs, expression) -> float | None:
    qs = qs.annotate(_d=ExpressionWrapper(expression, output_field=DurationField())).filter(_d__isnull=False)
    n = qs.count()
    if not n:
        return None
    middle = qs.order_by("_d").values_list("_d", flat=True)[n // 2]
    return middle.total_seconds()


def _largest_group(edges: list[tuple[int, int]]) -> int:
    parent: dict[int, int] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    sizes: dict[int, int] = {}
    for node in parent:
        root = find(node)
        sizes[root] = sizes.get(root, 0) + 1
    return max(sizes.values(), default=0)


def compute(cluster) -> dict:
    members = Membership.objects.filter(cluster=cluster).aggregate(
        active=Count("pk", filter=Q(status=Membership.Status.ACTIVE)),
        pending=Count("pk", filter=Q(status=Membership.Status.PENDING)),
        suspended=Count("pk", filter=Q(status=Membership.Status.SUSPENDED)),
    )
    listings = {
        kind: model.objects.filter(cluster=cluster, status__in=MATCHABLE).count()
        for kind, model in (
            ("orders", Order),
            ("capacities", CapacityOffer),
            ("channel_offers", ChannelOffer),
            ("channel_requests", ChannelRequest),
        )
    }
    posted_orders = Order.objects.filter(cluster=cluster).exclude(
        status__in=[ListingStatus.DRAFT, ListingStatus.CANCELLED]
    )
    demand = posted_orders.aggregate(posted=Sum("quantity"), matched=Sum("filled_quantity"))
    orders_with_first = posted_orders.filter(published_at__isnull=False).annotate(first=Min("matches__created_at"))
    deals = Deal.objects.filter(Q(cluster=cluster) | Q(partner_cluster=cluster))  # a cross-cluster deal counts in both
    delivered = deals.filter(status__in=[Deal.Status.DELIVERED, Deal.Status.CLOSED]).aggregate(
        n=Count("pk"), on_time=Count("pk", filter=Q(delivered_at__date__lte=F("due_date")))
    )
    capacity = CapacityOffer.objects.filter(cluster=cluster).exclude(
        status__in=[ListingStatus.DRAFT, ListingStatus.CANCELLED]
    )
    utilisation = capacity.aggregate(reserved=Sum("reserved_quantity"), total=Sum("total_quantity"))
    by_capability = [
        {
            "capability": row["capability_id"],
            "reserved": row["reserved"] or 0,
            "total": row["total"] or 0,
            "utilisation": round((row["reserved"] or 0) / row["total"], 4) if row["total"] else 0.0,
        }
        for row in capacity.values("capability_id")
        .annotate(reserved=Sum("reserved_quantity"), total=Sum("total_quantity"))
        .order_by("-total")[:20]
    ]
    rating = Rating.objects.filter(
        Q(deal__cluster=cluster) | Q(deal__partner_cluster=cluster), published_at__isnull=False
    ).aggregate(avg=Avg((F("quality") + F("on_time") + F("communication")) / 3.0))
    # collaboration network: one edge per distinct buyer-supplier pair with a live deal
    pairs = deals.filter(status__in=LIVE_DEALS).values("buyer_id", "supplier_id").distinct()
    shared_industry = Enterprise.industry_codes.through.objects.filter(
        enterprise_id=OuterRef("buyer_id"),
        industrycode_id__in=Enterprise.industry_codes.through.objects.filter(
            enterprise_id=OuterRef(OuterRef("supplier_id"))
        ).values("industrycode_id"),
    )
    edges_qs = pairs.annotate(
        buyer_province=Substr("buyer__region_code", 1, 2),
        supplier_province=Substr("supplier__region_code", 1, 2),
        same_industry=Exists(shared_industry),
    )
    edges = list(
        edges_qs.values_list("buyer_id", "supplier_id", "buyer_province", "supplier_province", "same_industry")
    )
    # one link per pair of partners, whichever way they traded
    links: dict[tuple[int, int], tuple[bool, bool]] = {}
    for buyer, supplier, buyer_province, supplier_province, same_industry in edges:
        links[tuple(sorted((buyer, supplier)))] = (buyer_province != supplier_province, not same_industry)
    undirected = set(links)
    partners = {x for pair in undirected for x in pair}
    n_active = members["active"] or 0
    possible = n_active * (n_active - 1) / 2
    cross_region = sum(1 for region, _industry in links.values() if region)
    cross_industry = sum(1 for _region, industry in links.values() if industry)
    # innovation links: seeker–solver and consortium partners, beside the trade links
    innovation_edges = innovation_links(cluster)
    return {
        "members": members,
        "listings_open": listings,
        "demand_posted": demand["posted"] or 0,
        "demand_matched": demand["matched"] or 0,
        "demand_matched_share": round((demand["matched"] or 0) / demand["posted"], 4) if demand["posted"] else 0.0,
        "median_hours_to_first_proposal": _hours(_median_seconds(orders_with_first, F("first") - F("published_at"))),
        "median_hours_to_deal": _hours(
            _median_seconds(
                deals.filter(match__order__published_at__isnull=False),
                F("created_at") - F("match__order__published_at"),
            )
        ),
        "deals": {
            "total": deals.count(),
            "delivered": delivered["n"],
            "closed": deals.filter(status=Deal.Status.CLOSED).count(),
        },
        "on_time_rate": round(delivered["on_time"] / delivered["n"], 4) if delivered["n"] else None,
        "capacity_utilisation": round((utilisation["reserved"] or 0) / utilisation["total"], 4)
        if utilisation["total"]
        else 0.0,
        "capacity_by_capability": by_capability,
        "average_rating": round(rating["avg"], 3) if rating["avg"] is not None else None,
        "park_resources": resource_kpis(cluster),
        "network": {
            "members_with_partner": len(partners),
            "links": len(undirected),
            "cross_region_share": round(cross_region / len(links), 4) if links else 0.0,
            "cross_industry_share": round(cross_industry / len(links), 4) if links else 0.0,
            "density": round(len(undirected) / possible, 6) if possible else 0.0,
            "largest_group": _largest_group(list(undirected)),
            "edges": [list(pair) for pair in sorted(undirected)][:500],
            "innovation_links": len(innovation_edges),
            "innovation_edges": [list(pair) for pair in innovation_edges][:500],
        },
        "innovation": {**innovation_figures(cluster), **knowledge_reuse_figures(cluster=cluster)},
    }


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)
