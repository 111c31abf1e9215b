"""Demo market: orders, capacity and channel listings; then (``play_deals``, once matching has
proposed, see ``apps/matching/demo.py``) deals in every stage and ratings.

Idempotent: a cluster that already has orders is left as it is.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from apps.core.errors import ConflictError
from apps.membership.models import EnterpriseMember, Membership
from apps.reference.selectors import region_centre
from apps.tenancy.models import Cluster

from .models import ChannelOffer, Deal, Match, Order
from .services import deals as deal_services
from .services import listings as listing_services
from .services import matches as match_services

#: the demo clusters that get a market
DEMO_CLUSTERS = ["yangtze-textile", "pearl-river-electronics", "chengdu-digital-hybrid"]

PRODUCTS = {
    "weaving": ("woven shirting fabric", "m", 12.0),
    "spinning": ("combed cotton yarn 40s", "kg", 28.0),
    "dyeing-finishing": ("reactive dyeing, cotton twill", "m", 4.5),
    "textile-printing": ("digital print on silk", "m", 15.0),
    "knitting": ("jersey knit T-shirt bodies", "pcs", 9.0),
    "garment-sewing": ("women's blouses, small batch", "pcs", 32.0),
    "garment-cutting": ("cut panels for jackets", "pcs", 3.2),
    "embroidery": ("logo embroidery", "pcs", 1.8),
    "smt-assembly": ("SMT assembly, IoT controller board", "pcs", 6.5),
    "electronic-box-build": ("box build, smart plug", "pcs", 14.0),
    "pcb-fabrication": ("4-layer FR-4 PCB", "pcs", 3.9),
    "mould-making": ("two-cavity injection mould", "sets", 38000.0),
    "injection-moulding": ("ABS housings", "pcs", 2.4),
    "cnc-machining": ("6061 aluminium brackets", "pcs", 22.0),
    "stamping": ("stainless steel clips", "pcs", 0.35),
    "die-casting": ("zinc alloy knobs", "pcs", 1.6),
    "wire-harness-assembly": ("automotive wire harness", "sets", 48.0),
    "final-assembly": ("final assembly, sensor module", "pcs", 11.0),
    "industrial-design": ("industrial design of a handheld scanner", "hours", 420.0),
    "product-engineering": ("DFM review and prototyping", "hours", 380.0),
    "firmware-programming-testing": ("firmware flashing and end-of-line test", "pcs", 1.2),
    "warehousing": ("bonded warehousing", "m2", 45.0),
    "freight-forwarding": ("export freight forwarding", "orders", 2600.0),
    "corrugated-packaging": ("5-ply corrugated cartons", "pcs", 2.1),
    "label-printing": ("woven and printed labels", "pcs", 0.12),
}

CHANNELS = [
    ("online_store", "Tmall flagship store / 天猫旗舰店", ["CN"], ["apparel", "home textiles"]),
    ("cross_border", "Amazon EU export / 亚马逊欧洲站出口", ["DE", "FR", "IT", "ES"], ["apparel", "electronics"]),
    ("distributor", "South-East Asia distributor / 东南亚经销商", ["SG", "MY", "TH", "VN"], ["electronics", "tools"]),
    ("retail_chain", "Regional retail chain / 区域连锁零售", ["CN"], ["home textiles", "electronics"]),
]


def _money(amount: float) -> Decimal:
    return Decimal(str(round(amount, 2)))


def _owner_user(enterprise):
    return EnterpriseMember.objects.filter(enterprise=enterprise, role=EnterpriseMember.Role.OWNER).first().user


def _post_listings(cluster, members, rng, today):
    """Every third member posts an order; the others offer capacity in their capabilities."""
    for index, enterprise in enumerate(members):
        user = _owner_user(enterprise)
        capabilities = [c for c in enterprise.capabilities.values_list("code", flat=True) if c in PRODUCTS]
        if not capabilities:
            continue
        capability = capabilities[index % len(capabilities)]
        product, unit, price = PRODUCTS[capability]
        if index % 3 == 0:
            quantity = rng.choice([800, 1500, 3000, 5000, 12000]) if unit not in ("sets", "hours", "orders") else 40
            # delivered to the city's centre: an enterprise's own point is private to its people
            latitude, longitude = region_centre(enterprise.region_code)
            listing_services.listing_create(
                actor=user,
                cluster=cluster,
                listing_kind="order",
                owner=enterprise,
                title=f"{product} — {quantity} {unit}",
                capability_id=capability,
                product_category=product,
                quantity=quantity,
                unit=unit,
                target_unit_price=_money(price * rng.uniform(0.95, 1.15)),
                currency="CNY",
                need_by=today + datetime.timedelta(days=rng.randint(25, 90)),
                delivery_region_code=enterprise.region_code,
                delivery_latitude=latitude,
                delivery_longitude=longitude,
                splittable=index % 2 == 0,
                min_lot=1,
            )
        else:
            per_month = rng.choice([2000, 5000, 8000, 20000]) if unit not in ("sets", "hours", "orders") else 80
            listing_services.listing_create(
                actor=user,
                cluster=cluster,
                listing_kind="capacity",
                owner=enterprise,
                title=f"Idle capacity: {product}",
                capability_id=capability,
                quantity_per_period=per_month,
                period="month",
                unit=unit,
                available_from=today,
                available_until=today + datetime.timedelta(days=rng.randint(45, 120)),
                unit_price=_money(price * rng.uniform(0.85, 1.05)),
                currency="CNY",
                min_order_quantity=1,
                lead_time_days=rng.randint(5, 20),
            )


def _post_channels(cluster, members, rng, today):
    for index, enterprise in enumerate(members[:4]):
        kind, title, markets, categories = CHANNELS[index % len(CHANNELS)]
        listing_services.listing_create(
            actor=_owner_user(enterprise),
            cluster=cluster,
            listing_kind="channel_offer",
            owner=enterprise,
            title=title,
            kind=kind,
            markets=markets,
            product_categories=categories,
            monthly_volume=rng.choice([3000, 8000, 20000]),
            commission_percent=rng.choice([6, 8, 12, 15]),
            fixed_fee=rng.choice([0, 2000, 5000]),
            currency="CNY",
            available_from=today,
        )
    for enterprise in members[4:7]:
        category = rng.choice(["apparel", "electronics", "home textiles"])
        listing_services.listing_create(
            actor=_owner_user(enterprise),
            cluster=cluster,
            listing_kind="channel_request",
            owner=enterprise,
            title=f"Seeking distribution for our {category} line",
            product_category=category,
            markets=rng.choice([["CN"], ["DE", "FR"], ["SG", "MY"]]),
            monthly_volume=rng.choice([500, 1500, 4000]),
            max_commission_percent=15,
            start_by=today + datetime.timedelta(days=rng.randint(7, 45)),
        )


STAGES = [
    [],
    ["in_production"],
    ["in_production", "quality_checked"],
    ["in_production", "quality_checked", "shipped"],
    ["in_production", "quality_checked", "shipped", "delivered"],
    ["in_production", "quality_checked", "shipped", "delivered"],
]


def play_deals(cluster) -> None:
    """Accept some proposals and carry the deals to different stages; rate delivered ones."""
    rng = random.Random(f"{cluster.slug}:deals")
    proposals = list(Match.objects.filter(cluster=cluster, status=Match.Status.PROPOSED).order_by("-score", "pk")[:14])
    made = 0
    for index, match in enumerate(proposals):
        demand_user, supply_user = _owner_user(match.demand_owner), _owner_user(match.supply_owner)
        if index % 4 == 3:
            continue  # left for the members to answer
        match_services.match_accept(actor=demand_user, cluster=cluster, match_id=match.pk)
        if index % 4 == 2:
            continue  # half-accepted: waiting for the supplier
        try:
            match_services.match_accept(actor=supply_user, cluster=cluster, match_id=match.pk)
        except ConflictError:  # quantity taken by an earlier demo deal: leave it proposed
            continue
        deal = Deal.objects.get(match=match)
        made += 1
        for step in STAGES[made % len(STAGES)]:
            actor = demand_user if step == "delivered" else supply_user
            deal_services.deal_advance(actor=actor, cluster=cluster, deal_id=deal.pk, to=step, note="")
        if deal.pk and Deal.objects.get(pk=deal.pk).status == Deal.Status.DELIVERED:
            for user in (demand_user, supply_user):
                deal_services.deal_rate(
                    actor=user,
                    cluster=cluster,
                    deal_id=deal.pk,
                    quality=rng.randint(3, 5),
                    on_time=rng.randint(3, 5),
                    communication=rng.randint(4, 5),
                    comment="",
                )


def load(stdout=None) -> list[tuple[str, str, str]]:
    today = timezone.localdate()
    for cluster in Cluster.objects.filter(slug__in=DEMO_CLUSTERS):
        if Order.objects.filter(cluster=cluster).exists() or ChannelOffer.objects.filter(cluster=cluster).exists():
            continue
        rng = random.Random(cluster.slug)
        members = [
            m.enterprise
            for m in Membership.objects.filter(cluster=cluster, status=Membership.Status.ACTIVE)
            .select_related("enterprise")
            .order_by("enterprise__credit_code")
        ]
        _post_listings(cluster, members, rng, today)
        _post_channels(cluster, members, rng, today)
    return []
