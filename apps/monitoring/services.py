"""Watching the cluster: scans that raise (and clear) alerts, re-planning late deals, KPI snapshots.

Every scan is idempotent: the same condition keeps one live alert (its ``occurrences``
grows), a cleared condition resolves its alert, and work is done in bounded batches.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, NotFoundError
from apps.marketplace import notices as marketplace_notices
from apps.marketplace.models import MATCHABLE, CapacityOffer, Deal, Match, MatchKind, Order
from apps.membership.models import EnterpriseCertification, EnterpriseMember, Membership
from apps.membership.permissions import require_cluster_administrator
from apps.notifications import messages
from apps.notifications.messages import name_of
from apps.notifications.services import notify_users
from apps.tenancy import selectors as tenancy_selectors
from apps.tenancy.models import Cluster
from apps.tenancy.rules import rules_in_force

from . import kpis, notices, parks
from .models import Alert, KpiSnapshot

BATCH = 500
OPEN_DEAL = [Deal.Status.CONFIRMED, Deal.Status.IN_PRODUCTION, Deal.Status.QUALITY_CHECKED, Deal.Status.SHIPPED]
NOT_SHIPPED = [Deal.Status.CONFIRMED, Deal.Status.IN_PRODUCTION, Deal.Status.QUALITY_CHECKED]


def _recipients(cluster, enterprise_ids, *, administrators: bool):
    users = {
        p.user_id: p.user
        for p in EnterpriseMember.objects.filter(
            enterprise_id__in=enterprise_ids, role__in=[EnterpriseMember.Role.OWNER, EnterpriseMember.Role.ADMIN]
        ).select_related("user")
    }
    if administrators:
        users.update({r.user_id: r.user for r in tenancy_selectors.cluster_administrators(cluster=cluster)})
    return users.values()


def alert_raise(
    *,
    cluster,
    key,
    kind,
    params,
    severity=Alert.Severity.WARNING,
    link="",
    obj=None,
    enterprise_ids=(),
    administrators=False,
    now=None,
) -> tuple[Alert, bool]:
    """Raise the alert for a condition, or count one more sighting of the live one.

    ``params`` are what the alert is about; its notification renders them in each reader's
    language (``notices``), and so does the alert (``Alert.rendered``); its stored text, in the
    default language, is for search only.
    """
    now = now or timezone.now()
    notify_kind = notices.notify_kind(kind)
    with translation.override(settings.LANGUAGE_CODE):  # the stored text is for search; readers get params
        subject, message = messages.render(notify_kind, params)
    live = Alert.objects.filter(cluster=cluster, key=key).exclude(state=Alert.State.RESOLVED)
    if live.update(last_seen_at=now, occurrences=F("occurrences") + 1):
        return live.get(), False
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                cluster=cluster,
                key=key,
                kind=kind,
                params=params,
                subject=subject[:200],
                message=message,
                severity=severity,
                link=link,
                object_type=obj.__class__.__name__.lower() if obj is not None else "",
                object_id=getattr(obj, "pk", None),
                first_seen_at=now,
                last_seen_at=now,
            )
            alert.enterprises.set(enterprise_ids)
    except IntegrityError:  # raised concurrently by another worker: count it there
        live.update(last_seen_at=now, occurrences=F("occurrences") + 1)
        return live.get(), False
    notify_users(
        users=_recipients(cluster, enterprise_ids, administrators=administrators),
        kind=notify_kind,
        params=params,
        link=link or reverse("cluster-detail", args=[cluster.slug]),
        cluster=cluster,
    )
    return alert, True


def _resolve_cleared(cluster, kind: str, live_keys: set[str], now) -> int:
    """Conditions that no longer hold resolve their alerts."""
    return (
        Alert.objects.filter(cluster=cluster, kind=kind)
        .exclude(state=Alert.State.RESOLVED)
        .exclude(key__in=live_keys)
        .update(state=Alert.State.RESOLVED, resolved_at=now)
    )


def scan_overdue_deals(cluster, now=None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    grace = rules_in_force(cluster)["monitoring.overdue_grace_days"]
    keys, raised, replanned = set(), 0, 0
    # late = the next milestone's planned date has passed (deals planned before milestones: the due date)
    overdue = (
        Deal.objects.filter(cluster=cluster, status__in=OPEN_DEAL)
        .filter(Q(next_milestone_due__lt=today) | Q(next_milestone_due__isnull=True, due_date__lt=today))
        .select_related("buyer", "supplier", "match")
    )
    for deal in overdue.order_by("pk").iterator(chunk_size=BATCH):
        milestone = deal.next_milestone() or Deal.Status.DELIVERED
        key = f"deal-overdue:{deal.pk}:{milestone}"  # one alert (and notification) per late milestone
        keys.add(key)
        days = (today - (deal.next_milestone_due or deal.due_date)).days
        _alert, created = alert_raise(
            cluster=cluster,
            key=key,
            kind="deal_overdue",
            severity=Alert.Severity.CRITICAL,
            obj=deal,
            params={
                "id": deal.pk,
                "milestone": str(milestone),
                "days": days,
                "supplier": name_of(deal.supplier),
                "quantity": deal.quantity,
                "buyer": name_of(deal.buyer),
            },
            link=reverse("deal-detail", args=[cluster.slug, deal.pk]),
            enterprise_ids=[deal.buyer_id, deal.supplier_id],
            administrators=True,
            now=now,
        )
        raised += created
        if days > grace and deal.kind == MatchKind.PRODUCTION and deal.status in NOT_SHIPPED:
            replanned += replan_late_deal(deal, today=today)
    _resolve_cleared(cluster, "deal_overdue", keys, now)
    return {"overdue": len(keys), "alerts_raised": raised, "replacement_proposals": replanned}


def replan_late_deal(deal: Deal, *, today) -> int:
    """Propose other suppliers for a late deal's quantity (once); accepting one cancels the deal."""
    if Match.objects.filter(replaces_deal=deal).exists():
        return 0
    from apps.matching import engine, planner
    from apps.matching.rules import matching_rules, rulebook_version

    order = Order.objects.prefetch_related("required_certifications").get(pk=deal.match.order_id)
    demand = engine.Demand(
        id=order.pk,
        owner=order.owner_id,
        capability=order.capability_id,
        quantity=deal.quantity,
        unit_price=float(order.target_unit_price),
        currency=order.currency,
        # the original date has passed: other suppliers get the cluster's replacement horizon
        need_by=today + datetime.timedelta(days=rules_in_force(deal.cluster)["monitoring.replacement_horizon_days"]),
        latitude=float(order.delivery_latitude),
        longitude=float(order.delivery_longitude),
        region=order.delivery_region_code,
        required_certifications=frozenset(c.pk for c in order.required_certifications.all()),
        splittable=order.splittable,
        min_lot=order.min_lot,
    )
    _demands, supplies = planner.load_inputs(planner.PRODUCTION, deal.cluster, today, subtract_all_open=True)
    supplies = [s for s in supplies if s.owner != deal.supplier_id]
    plan = engine.plan([demand], supplies, matching_rules(cluster=deal.cluster, today=today))
    expires = timezone.now() + datetime.timedelta(
        hours=rules_in_force(deal.cluster)["marketplace.proposal_expiry_hours"]
    )
    owners = dict(
        CapacityOffer.objects.filter(pk__in=[a.supply_id for a in plan.allocations]).values_list("pk", "owner_id")
    )
    created = Match.objects.bulk_create(
        [
            Match(
                cluster=deal.cluster,
                kind=MatchKind.PRODUCTION,
                order=order,
                capacity_id=a.supply_id,
                demand_owner_id=order.owner_id,
                supply_owner_id=owners[a.supply_id],
                quantity=a.quantity,
                score=a.score,
                breakdown=a.breakdown,
                rulebook_version=rulebook_version(cluster=deal.cluster),
                expires_at=expires,
                replaces_deal=deal,
            )
            for a in plan.allocations
            if not Match.objects.filter(order=order, capacity_id=a.supply_id, status=Match.Status.PROPOSED).exists()
        ]
    )
    marketplace_notices.matches_proposed(cluster=deal.cluster, matches=created)
    return len(created)


def scan_listings(cluster, now=None) -> dict:
    """Capacity windows ending soon, orders near their need-by date still unmatched, stale listings."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rules = rules_in_force(cluster)
    soon = today + datetime.timedelta(days=rules["monitoring.expiry_warning_days"])
    stale_before = now - datetime.timedelta(days=rules["monitoring.stale_listing_days"])
    counts = {}

    keys = set()
    for offer in CapacityOffer.objects.filter(
        cluster=cluster, status__in=MATCHABLE, available_until__lte=soon
    ).iterator(chunk_size=BATCH):
        key = f"capacity-window:{offer.pk}"
        keys.add(key)
        alert_raise(
            cluster=cluster,
            key=key,
            kind="capacity_window",
            severity=Alert.Severity.INFO,
            obj=offer,
            params={"date": offer.available_until.isoformat(), "title": offer.title, "left": offer.remaining_quantity},
            link=reverse("listing-detail", args=[cluster.slug, "capacity", offer.pk]),
            enterprise_ids=[offer.owner_id],
            now=now,
        )
    _resolve_cleared(cluster, "capacity_window", keys, now)
    counts["capacity_windows"] = len(keys)

    keys = set()
    unmatched = (
        Order.objects.filter(cluster=cluster, status__in=MATCHABLE, need_by__lte=soon)
        .filter(filled_quantity__lt=F("quantity"))
        .exclude(matches__status=Match.Status.PROPOSED)
    )
    for order in unmatched.distinct().iterator(chunk_size=BATCH):
        key = f"order-unmatched:{order.pk}"
        keys.add(key)
        alert_raise(
            cluster=cluster,
            key=key,
            kind="order_unmatched",
            obj=order,
            params={
                "date": order.need_by.isoformat(),
                "title": order.title,
                "alternatives": best_alternatives(order, today),
            },
            link=reverse("listing-detail", args=[cluster.slug, "order", order.pk]),
            enterprise_ids=[order.owner_id],
            now=now,
        )
    _resolve_cleared(cluster, "order_unmatched", keys, now)
    counts["orders_unmatched"] = len(keys)

    keys = set()
    for model, kind in ((Order, "order"), (CapacityOffer, "capacity")):
        for listing in model.objects.filter(
            cluster=cluster, status__in=MATCHABLE, updated_at__lt=stale_before
        ).iterator(chunk_size=BATCH):
            key = f"listing-stale:{kind}:{listing.pk}"
            keys.add(key)
            alert_raise(
                cluster=cluster,
                key=key,
                kind="listing_stale",
                severity=Alert.Severity.INFO,
                obj=listing,
                params={"title": listing.title},
                link=reverse("listing-detail", args=[cluster.slug, kind, listing.pk]),
                enterprise_ids=[listing.owner_id],
                now=now,
            )
    _resolve_cleared(cluster, "listing_stale", keys, now)
    counts["stale_listings"] = len(keys)
    return counts


def best_alternatives(order: Order, today) -> list[str]:
    """The titles of the closest capacity offers if the price tolerance were relaxed (advice for the owner)."""
    from apps.matching import engine, planner
    from apps.matching.rules import matching_rules

    demands, supplies = planner.load_inputs(planner.PRODUCTION, order.cluster, today, demand_ids=[order.pk])
    if not demands:
        return []
    rules = matching_rules(cluster=order.cluster, today=today)
    relaxed = engine.Rules(
        today=today,
        price_tolerance=rules.price_tolerance + 0.25,
        weights=rules.weights,
        max_candidates_per_demand=3,
    )
    plan = engine.plan(demands, supplies, relaxed)
    if not plan.allocations:
        return []
    titles = dict(
        CapacityOffer.objects.filter(pk__in=[a.supply_id for a in plan.allocations]).values_list("pk", "title")
    )
    return [titles[a.supply_id] for a in plan.allocations[:3]]


def scan_certifications(cluster, now=None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    soon = today + datetime.timedelta(days=rules_in_force(cluster)["monitoring.certification_warning_days"])
    keys = set()
    expiring = EnterpriseCertification.objects.filter(
        valid_until__gte=today,
        valid_until__lte=soon,
        enterprise__memberships__cluster=cluster,
        enterprise__memberships__status=Membership.Status.ACTIVE,
    ).select_related("scheme")
    for certification in expiring.iterator(chunk_size=BATCH):
        key = f"certification-expiring:{certification.pk}"
        keys.add(key)
        alert_raise(
            cluster=cluster,
            key=key,
            kind="certification_expiring",
            obj=certification,
            params={"scheme": certification.scheme.label, "date": certification.valid_until.isoformat()},
            link=reverse("enterprise-detail", args=[certification.enterprise_id]),
            enterprise_ids=[certification.enterprise_id],
            now=now,
        )
    _resolve_cleared(cluster, "certification_expiring", keys, now)
    return {"certifications_expiring": len(keys)}


def scan_cluster(cluster, now=None) -> dict:
    return {
        **scan_overdue_deals(cluster, now),
        **scan_listings(cluster, now),
        **scan_certifications(cluster, now),
        **parks.scan_resources(cluster, alert_raise=alert_raise, resolve_cleared=_resolve_cleared, now=now),
    }


def scan_all(now=None) -> int:
    clusters = Cluster.objects.filter(status=Cluster.Status.ACTIVE)
    for cluster in clusters:
        scan_cluster(cluster, now)
    return clusters.count()


def kpi_snapshot_take(cluster, now=None) -> KpiSnapshot:
    return KpiSnapshot.objects.create(cluster=cluster, taken_at=now or timezone.now(), metrics=kpis.compute(cluster))


@transaction.atomic
def alert_set_state(*, actor, cluster, alert_id: int, state: str) -> Alert:
    """Acknowledge or resolve an alert: administrators, or the people of an enterprise it concerns."""
    alert = Alert.objects.select_for_update().filter(cluster=cluster, pk=alert_id).first()
    if alert is None:
        raise NotFoundError()
    concerned = alert.enterprises.filter(people__user=actor).exists()
    if not concerned:
        require_cluster_administrator(user=actor, cluster=cluster)
    allowed = {
        Alert.State.ACKNOWLEDGED: {Alert.State.OPEN},
        Alert.State.RESOLVED: {Alert.State.OPEN, Alert.State.ACKNOWLEDGED},
    }
    if alert.state not in allowed[state]:
        raise ConflictError(
            _("This alert is already %(state)s.") % {"state": alert.get_state_display().lower()},
            code="illegal_transition",
        )
    now = timezone.now()
    alert.state = state
    if state == Alert.State.ACKNOWLEDGED:
        alert.acknowledged_by, alert.acknowledged_at = actor, now
    else:
        alert.resolved_by, alert.resolved_at = actor, now
    alert.save()
    return alert
