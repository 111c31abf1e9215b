"""Demo of trade across a partnership (run from ``apps/dealroom/demo.py``, after partnerships and parks
have laid the park and its partnership with the textile cluster): a textile member opens an order to
partner clusters, a park member opens its capacity to them, the incremental path matches the two
across (``partners.match_incremental``), both accept from their own cluster and the deal goes into
production. All through the services. Idempotent: once a cross-cluster deal exists, nothing is done.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.marketplace.models import Deal, Match, MatchingRun
from apps.marketplace.services import deals as deal_services
from apps.marketplace.services import listings as listing_services
from apps.marketplace.services import matches as match_services
from apps.membership.models import EnterpriseMember, Membership
from apps.partnerships.selectors import in_force_between
from apps.reference.selectors import region_centre
from apps.tenancy.models import Cluster

from . import planner

TRIGGER = "demo data: across the partnership"


def _owners(cluster, *, exclude_cluster=None) -> list:
    """The owners (user, enterprise) of ``cluster``'s active members, by e-mail, optionally only those
    that are not members of ``exclude_cluster``."""
    members = Membership.objects.filter(cluster=cluster, status=Membership.Status.ACTIVE)
    if exclude_cluster is not None:
        members = members.exclude(enterprise__memberships__cluster=exclude_cluster)
    return [
        (p.user, p.enterprise)
        for p in EnterpriseMember.objects.filter(
            role=EnterpriseMember.Role.OWNER, enterprise__in=members.values("enterprise")
        )
        .select_related("user", "enterprise")
        .order_by("user__email")
    ]


def load() -> None:
    textile = Cluster.objects.filter(slug="yangtze-textile").first()
    park = Cluster.objects.filter(slug="yangtze-park").first()
    if textile is None or park is None or in_force_between(textile, park) is None:
        return
    if Deal.objects.filter(cluster=textile, partner_cluster=park).exists():
        return
    buyers = _owners(textile, exclude_cluster=park)
    suppliers = [(u, e) for u, e in _owners(park) if e.capabilities.filter(code="weaving").exists()]
    if not buyers or not suppliers:
        return
    (buyer_user, buyer), (supplier_user, supplier) = buyers[0], suppliers[0]
    today = timezone.localdate()
    latitude, longitude = region_centre(buyer.region_code)
    order = listing_services.listing_create(
        actor=buyer_user,
        cluster=textile,
        listing_kind="order",
        owner=buyer,
        title="Cross-cluster: 1,200 m cotton poplin / 跨集群订单：府绸 1200 米",
        capability_id="weaving",
        product_category="woven shirting",
        quantity=1200,
        unit="m",
        target_unit_price=Decimal("19.00"),
        currency="CNY",
        need_by=today + datetime.timedelta(days=40),
        delivery_region_code=buyer.region_code,
        delivery_latitude=latitude,
        delivery_longitude=longitude,
        splittable=False,
        min_lot=1,
        shared_with_partners=True,
    )
    capacity = listing_services.listing_create(
        actor=supplier_user,
        cluster=park,
        listing_kind="capacity",
        owner=supplier,
        title="Park looms open to partners / 园区织机向合作集群开放",
        capability_id="weaving",
        quantity_per_period=3000,
        period="month",
        unit="m",
        available_from=today,
        available_until=today + datetime.timedelta(days=90),
        unit_price=Decimal("17.50"),
        currency="CNY",
        min_order_quantity=1,
        lead_time_days=7,
        shared_with_partners=True,
    )
    # the incremental path, as the listing's task runs it: matched across at once, no full re-plan
    run = MatchingRun.objects.create(cluster=park, kind=MatchingRun.Kind.INCREMENTAL, trigger=TRIGGER)
    planner.run_incremental(MatchingRun.objects.select_related("cluster").get(pk=run.pk), "capacity", [capacity.pk])
    match = Match.objects.filter(order=order, capacity=capacity, partner_cluster=park).first()
    if match is None:
        return
    match_services.match_accept(actor=buyer_user, cluster=textile, match_id=match.pk)
    match_services.match_accept(actor=supplier_user, cluster=park, match_id=match.pk)
    deal = Deal.objects.get(match=match)
    deal_services.deal_advance(actor=supplier_user, cluster=park, deal_id=deal.pk, to="in_production", note="")
