"""Reading the engine's inputs: listings in as plain rows, never model instances.

Every read is a server-side cursor (``iterator(chunk_size=…)``) over ``values_list`` rows, so a
re-plan of a large cluster holds one chunk of database rows at a time and builds no model
instance; the side data (certifications, reputations, verification levels, required
certifications) is one query each. Read-only: the planner writes (``planner``).

The supply side and the demand side load apart, so a worker can keep the supplies warm
(``warm``) and load only the new demands of a run.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q, Sum

from apps.marketplace.models import (
    MATCHABLE,
    CapacityOffer,
    ChannelOffer,
    ChannelRequest,
    Match,
    MatchKind,
    Order,
    Reputation,
)
from apps.membership.models import EnterpriseCertification
from apps.parks.models import LEVEL_RANK
from apps.parks.selectors import levels_of

from . import engine

#: rows per round trip of a server-side cursor
CHUNK = 5000


@dataclass(frozen=True)
class Spec:
    kind: str
    demand_model: type
    supply_model: type
    demand_field: str
    supply_field: str


PRODUCTION = Spec(MatchKind.PRODUCTION, Order, CapacityOffer, "order", "capacity")
CHANNEL = Spec(MatchKind.CHANNEL, ChannelRequest, ChannelOffer, "channel_request", "channel_offer")
SPECS = {"order": PRODUCTION, "capacity": PRODUCTION, "channel_request": CHANNEL, "channel_offer": CHANNEL}


def held(
    spec: Spec, cluster, side_field: str, *, proposed_only_answered: bool, replacing=None, ids=None
) -> dict[int, int]:
    """Quantity per listing tied up in proposals (all open ones, or those one side accepted), the
    cross-cluster ones included (a listing's id is unique across clusters). ``replacing``: the
    cross-cluster pair of clusters whose unanswered proposals the plan being made replaces.
    ``ids``: only these listings (an index scan, however many proposals the cluster has)."""
    qs = Match.objects.filter(
        Q(cluster=cluster) | Q(partner_cluster=cluster), kind=spec.kind, status=Match.Status.PROPOSED
    )
    if replacing is not None:
        qs = qs.exclude(
            cluster=replacing[0],
            partner_cluster=replacing[1],
            demand_accepted_at__isnull=True,
            supply_accepted_at__isnull=True,
        )
    if proposed_only_answered:
        qs = qs.filter(
            Q(demand_accepted_at__isnull=False)
            | Q(supply_accepted_at__isnull=False)
            | Q(negotiating_since__isnull=False)
        )
    if ids is not None:
        qs = qs.filter(**{f"{side_field}_id__in": list(ids)})
    return dict(qs.order_by().values(side_field).annotate(q=Sum("quantity")).values_list(side_field, "q"))


def held_by_capability(cluster, capabilities) -> dict[int, int]:
    """Quantity held by open production proposals (the cross-cluster ones included) per capacity
    offer of ``cluster`` in ``capabilities``: ``held`` over those offers, without naming them.

    A capacity offer's proposals are in its own cluster or name that cluster as the partner (the
    supply side of a cross-cluster match), so the offer's cluster and capability say which they
    are: one join, whose plan PostgreSQL picks by which side is smaller (the cluster's open
    proposals, or the capability's offers), instead of a list of tens of thousands of ids."""
    qs = Match.objects.filter(
        kind=PRODUCTION.kind,
        status=Match.Status.PROPOSED,
        capacity__cluster=cluster,
        capacity__capability_id__in=list(capabilities),
    )
    return dict(qs.order_by().values("capacity").annotate(q=Sum("quantity")).values_list("capacity", "q"))


def excluded_pairs(spec: Spec, cluster, *, demand_ids=None) -> frozenset[tuple[int, int]]:
    """Pairs never to propose by a re-plan: declined ones, and answered (or negotiated) proposals
    still open; ``demand_ids``: only those of these demands (the only ones the engine will meet)."""
    qs = Match.objects.filter(cluster=cluster, kind=spec.kind).filter(
        Q(status=Match.Status.DECLINED)
        | Q(status=Match.Status.PROPOSED, demand_accepted_at__isnull=False)
        | Q(status=Match.Status.PROPOSED, supply_accepted_at__isnull=False)
        | Q(status=Match.Status.PROPOSED, negotiating_since__isnull=False)
    )
    if demand_ids is not None:
        qs = qs.filter(**{f"{spec.demand_field}_id__in": list(demand_ids)})
    pairs = qs.order_by().values_list(f"{spec.demand_field}_id", f"{spec.supply_field}_id")
    return frozenset(pairs.iterator(chunk_size=CHUNK))


def certifications(enterprise_ids, today) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = {}
    for enterprise_id, scheme in EnterpriseCertification.objects.filter(
        enterprise_id__in=list(enterprise_ids), valid_until__gte=today
    ).values_list("enterprise_id", "scheme_id"):
        found.setdefault(enterprise_id, set()).add(scheme)
    return {k: frozenset(v) for k, v in found.items()}


def verification(cluster, enterprise_ids) -> dict[int, float]:
    """Each owner's on-site verification level in force (apps.parks), as the engine's 0..1 (one query)."""
    top = max(LEVEL_RANK.values())
    found = levels_of(cluster_ids=[cluster.pk], enterprise_ids=enterprise_ids)
    return {enterprise: LEVEL_RANK[row["level"]] / top for (_c, enterprise), row in found.items()}


def reputations(cluster, enterprise_ids) -> dict[int, tuple]:
    """``{enterprise: (on_time_rate, average_score, deals_completed)}`` in ``cluster``."""
    rows = Reputation.objects.filter(cluster=cluster, enterprise_id__in=list(enterprise_ids)).values_list(
        "enterprise_id", "on_time_rate", "average_score", "deals_completed"
    )
    return {enterprise: rest for enterprise, *rest in rows}


NO_REPUTATION = (None, None, 0)

CAPACITY_COLUMNS = (
    "pk",
    "owner_id",
    "capability_id",
    "total_quantity",
    "reserved_quantity",
    "unit_price",
    "currency",
    "available_from",
    "available_until",
    "lead_time_days",
    "min_order_quantity",
    "latitude",
    "longitude",
    "region_code",
)
ORDER_COLUMNS = (
    "pk",
    "owner_id",
    "capability_id",
    "quantity",
    "filled_quantity",
    "target_unit_price",
    "currency",
    "need_by",
    "delivery_latitude",
    "delivery_longitude",
    "delivery_region_code",
    "splittable",
    "min_lot",
)


def _listings(spec: Spec, model, cluster, today: datetime.date, *, cross: bool, ids, demand: bool):
    qs = model.objects.filter(cluster=cluster, status__in=MATCHABLE)
    if cross:
        qs = qs.filter(shared_with_partners=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if spec is PRODUCTION:
        return qs.filter(need_by__gt=today) if demand else qs.filter(available_until__gte=today)
    return qs.filter(start_by__gte=today) if demand else qs


def load_supplies(
    spec: Spec, cluster, today: datetime.date, supply_held: dict[int, int], *, ids=None, cross: bool = False
) -> list:
    """Engine supplies of ``cluster`` (optionally only ``ids``), net of ``supply_held``."""
    qs = _listings(spec, spec.supply_model, cluster, today, cross=cross, ids=ids, demand=False)
    if spec is CHANNEL:
        rows = list(
            qs.values_list(
                "pk",
                "owner_id",
                "product_categories",
                "markets",
                "monthly_volume",
                "reserved_volume",
                "commission_percent",
                "available_from",
            )
        )
        reps = reputations(cluster, {r[1] for r in rows})
        return [
            engine.ChannelOffer(
                id=pk,
                owner=owner,
                product_categories=frozenset(categories),
                markets=frozenset(markets),
                quantity=volume - reserved - supply_held.get(pk, 0),
                commission_percent=float(commission),
                available_from=available_from,
                on_time_rate=reps.get(owner, NO_REPUTATION)[0],
                average_rating=reps.get(owner, NO_REPUTATION)[1],
                deals_completed=reps.get(owner, NO_REPUTATION)[2],
            )
            for pk, owner, categories, markets, volume, reserved, commission, available_from in rows
        ]
    rows = list(qs.values_list(*CAPACITY_COLUMNS).iterator(chunk_size=CHUNK))
    owners = {r[1] for r in rows}
    certs, reps, verified = certifications(owners, today), reputations(cluster, owners), verification(cluster, owners)
    supplies = []
    for pk, owner, capability, total, reserved, price, currency, start, until, lead, moq, lat, lng, region in rows:
        on_time, rating, deals = reps.get(owner, NO_REPUTATION)
        supplies.append(
            engine.Supply(
                id=pk,
                owner=owner,
                capability=capability,
                quantity=total - reserved - supply_held.get(pk, 0),
                unit_price=float(price),
                currency=currency,
                available_from=start,
                available_until=until,
                lead_time_days=lead,
                min_order_quantity=moq,
                latitude=float(lat),
                longitude=float(lng),
                region=region,
                certifications=certs.get(owner, frozenset()),
                on_time_rate=on_time,
                average_rating=rating,
                deals_completed=deals,
                verification=verified.get(owner, 0.0),
            )
        )
    return supplies


def load_demands(
    spec: Spec, cluster, today: datetime.date, demand_held: dict[int, int], *, ids=None, cross: bool = False
) -> list:
    """Engine demands of ``cluster`` (optionally only ``ids``), net of ``demand_held``."""
    qs = _listings(spec, spec.demand_model, cluster, today, cross=cross, ids=ids, demand=True)
    if spec is CHANNEL:
        return [
            engine.ChannelRequest(
                id=pk,
                owner=owner,
                product_category=category,
                markets=frozenset(markets),
                quantity=volume - filled - demand_held.get(pk, 0),
                max_commission_percent=float(commission),
                start_by=start_by,
            )
            for pk, owner, category, markets, volume, filled, commission, start_by in qs.values_list(
                "pk",
                "owner_id",
                "product_category",
                "markets",
                "monthly_volume",
                "filled_volume",
                "max_commission_percent",
                "start_by",
            ).iterator(chunk_size=CHUNK)
        ]
    required: dict[int, set[str]] = {}
    through = Order.required_certifications.through.objects.filter(order__in=qs.order_by().values("pk"))
    for order_id, scheme in through.values_list("order_id", "certificationscheme_id").iterator(chunk_size=CHUNK):
        required.setdefault(order_id, set()).add(scheme)
    return [
        engine.Demand(
            id=pk,
            owner=owner,
            capability=capability,
            quantity=quantity - filled - demand_held.get(pk, 0),
            unit_price=float(price),
            currency=currency,
            need_by=need_by,
            latitude=float(lat),
            longitude=float(lng),
            region=region,
            required_certifications=frozenset(required.get(pk, ())),
            splittable=splittable,
            min_lot=min_lot,
        )
        for pk, owner, capability, quantity, filled, price, currency, need_by, lat, lng, region, splittable, min_lot in (
            qs.values_list(*ORDER_COLUMNS).iterator(chunk_size=CHUNK)
        )
    ]


def load_inputs(
    spec: Spec, cluster, today, *, demand_ids=None, supply_ids=None, subtract_all_open=False, supply_cluster=None
):
    """Engine demands and supplies of ``cluster`` (optionally only some ids), with free quantities.

    ``subtract_all_open``: incremental jobs propose only quantity no open proposal covers;
    a full re-plan subtracts only what a side has already accepted (the rest it replaces).
    ``supply_cluster``: a cross-cluster plan — ``cluster``'s demands and that partner's supplies,
    both only those opened to partner clusters, net of every open proposal but the unanswered
    cross-cluster ones it replaces.
    """
    cross = supply_cluster is not None
    supply_cluster = supply_cluster or cluster
    replacing = (cluster.pk, supply_cluster.pk) if cross else None
    answered_only = not subtract_all_open and not cross
    demand_held = held(spec, cluster, spec.demand_field, proposed_only_answered=answered_only, replacing=replacing)
    supply_held = held(
        spec, supply_cluster, spec.supply_field, proposed_only_answered=answered_only, replacing=replacing
    )
    demands = load_demands(spec, cluster, today, demand_held, ids=demand_ids, cross=cross)
    supplies = load_supplies(spec, supply_cluster, today, supply_held, ids=supply_ids, cross=cross)
    return demands, supplies
