"""The Django side of matching: listings in, proposals out.

Loads engine inputs with a bounded number of queries (no locks), runs the pure engine,
then writes proposals in one short transaction. Deterministic: the same state gives the
same proposals, so a rerun (or a retry after a killed worker) changes nothing. Every write
is fenced by the run's lease (``leases.Lease``): a worker that lost its run writes nothing.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from apps.marketplace import notices
from apps.marketplace.models import (
    MATCHABLE,
    CapacityOffer,
    ChannelOffer,
    ChannelRequest,
    Match,
    MatchingRun,
    MatchKind,
    Order,
    Reputation,
)
from apps.membership.models import EnterpriseCertification
from apps.parks.models import LEVEL_RANK
from apps.parks.selectors import levels_of
from apps.partnerships.selectors import partnerships_in_force
from apps.tenancy.rules import rule_value

from . import engine, leases
from .rules import matching_rules, rulebook_version


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


def _held(spec: Spec, cluster, side_field: str, *, proposed_only_answered: bool, replacing=None) -> dict[int, int]:
    """Quantity per listing tied up in proposals (all open ones, or those one side accepted), the
    cross-cluster ones included (a listing's id is unique across clusters). ``replacing``: the
    cross-cluster pair of clusters whose unanswered proposals the plan being made replaces."""
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
    return dict(qs.values(side_field).annotate(q=Sum("quantity")).values_list(side_field, "q"))


def _excluded_pairs(spec: Spec, cluster) -> frozenset[tuple[int, int]]:
    """Pairs never to propose by a re-plan: declined ones, and answered (or negotiated) proposals still open."""
    qs = Match.objects.filter(cluster=cluster, kind=spec.kind).filter(
        Q(status=Match.Status.DECLINED)
        | Q(status=Match.Status.PROPOSED, demand_accepted_at__isnull=False)
        | Q(status=Match.Status.PROPOSED, supply_accepted_at__isnull=False)
        | Q(status=Match.Status.PROPOSED, negotiating_since__isnull=False)
    )
    return frozenset(qs.values_list(f"{spec.demand_field}_id", f"{spec.supply_field}_id"))


def _certifications(enterprise_ids, today) -> dict[int, frozenset[str]]:
    held: dict[int, set[str]] = {}
    for enterprise_id, scheme in EnterpriseCertification.objects.filter(
        enterprise_id__in=enterprise_ids, valid_until__gte=today
    ).values_list("enterprise_id", "scheme_id"):
        held.setdefault(enterprise_id, set()).add(scheme)
    return {k: frozenset(v) for k, v in held.items()}


def _verification(cluster, enterprise_ids) -> dict[int, float]:
    """Each owner's on-site verification level in force (apps.parks), as the engine's 0..1 (one query)."""
    top = max(LEVEL_RANK.values())
    found = levels_of(cluster_ids=[cluster.pk], enterprise_ids=enterprise_ids)
    return {enterprise: LEVEL_RANK[row["level"]] / top for (_c, enterprise), row in found.items()}


def _reputations(cluster, enterprise_ids) -> dict[int, Reputation]:
    return {r.enterprise_id: r for r in Reputation.objects.filter(cluster=cluster, enterprise_id__in=enterprise_ids)}


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
    demand_held = _held(spec, cluster, spec.demand_field, proposed_only_answered=answered_only, replacing=replacing)
    supply_held = _held(
        spec, supply_cluster, spec.supply_field, proposed_only_answered=answered_only, replacing=replacing
    )
    demands_qs = spec.demand_model.objects.filter(cluster=cluster, status__in=MATCHABLE)
    supplies_qs = spec.supply_model.objects.filter(cluster=supply_cluster, status__in=MATCHABLE)
    if cross:
        demands_qs = demands_qs.filter(shared_with_partners=True)
        supplies_qs = supplies_qs.filter(shared_with_partners=True)
    if demand_ids is not None:
        demands_qs = demands_qs.filter(pk__in=demand_ids)
    if supply_ids is not None:
        supplies_qs = supplies_qs.filter(pk__in=supply_ids)
    if spec is PRODUCTION:
        demands_qs = demands_qs.filter(need_by__gt=today).prefetch_related("required_certifications")
        supplies_qs = supplies_qs.filter(available_until__gte=today)
        supplies = list(supplies_qs)
        certs = _certifications({s.owner_id for s in supplies}, today)
        reps = _reputations(supply_cluster, {s.owner_id for s in supplies})
        verified = _verification(supply_cluster, {s.owner_id for s in supplies})
        engine_supplies = [
            engine.Supply(
                id=s.pk,
                owner=s.owner_id,
                capability=s.capability_id,
                quantity=s.total_quantity - s.reserved_quantity - supply_held.get(s.pk, 0),
                unit_price=float(s.unit_price),
                currency=s.currency,
                available_from=s.available_from,
                available_until=s.available_until,
                lead_time_days=s.lead_time_days,
                min_order_quantity=s.min_order_quantity,
                latitude=float(s.latitude),
                longitude=float(s.longitude),
                region=s.region_code,
                certifications=certs.get(s.owner_id, frozenset()),
                on_time_rate=getattr(reps.get(s.owner_id), "on_time_rate", None),
                average_rating=getattr(reps.get(s.owner_id), "average_score", None),
                deals_completed=getattr(reps.get(s.owner_id), "deals_completed", 0),
                verification=verified.get(s.owner_id, 0.0),
            )
            for s in supplies
        ]
        engine_demands = [
            engine.Demand(
                id=d.pk,
                owner=d.owner_id,
                capability=d.capability_id,
                quantity=d.quantity - d.filled_quantity - demand_held.get(d.pk, 0),
                unit_price=float(d.target_unit_price),
                currency=d.currency,
                need_by=d.need_by,
                latitude=float(d.delivery_latitude),
                longitude=float(d.delivery_longitude),
                region=d.delivery_region_code,
                required_certifications=frozenset(c.pk for c in d.required_certifications.all()),
                splittable=d.splittable,
                min_lot=d.min_lot,
            )
            for d in demands_qs
        ]
    else:
        demands_qs = demands_qs.filter(start_by__gte=today)
        offers = list(supplies_qs)
        reps = _reputations(supply_cluster, {o.owner_id for o in offers})
        engine_supplies = [
            engine.ChannelOffer(
                id=o.pk,
                owner=o.owner_id,
                product_categories=frozenset(o.product_categories),
                markets=frozenset(o.markets),
                quantity=o.monthly_volume - o.reserved_volume - supply_held.get(o.pk, 0),
                commission_percent=float(o.commission_percent),
                available_from=o.available_from,
                on_time_rate=getattr(reps.get(o.owner_id), "on_time_rate", None),
                average_rating=getattr(reps.get(o.owner_id), "average_score", None),
                deals_completed=getattr(reps.get(o.owner_id), "deals_completed", 0),
            )
            for o in offers
        ]
        engine_demands = [
            engine.ChannelRequest(
                id=r.pk,
                owner=r.owner_id,
                product_category=r.product_category,
                markets=frozenset(r.markets),
                quantity=r.monthly_volume - r.filled_volume - demand_held.get(r.pk, 0),
                max_commission_percent=float(r.max_commission_percent),
                start_by=r.start_by,
            )
            for r in demands_qs
        ]
    return engine_demands, engine_supplies


def solve(spec: Spec, demands, supplies, rules, exclude) -> engine.Plan:
    if spec is PRODUCTION:
        return engine.plan(demands, supplies, rules, exclude)
    return engine.plan_channels(demands, supplies, rules, exclude)


def plan_counts(prefix: str, plan: engine.Plan) -> dict:
    """What a run reports about the plan: its size, objective, the bound proved, the method."""
    return {
        f"{prefix}candidate_pairs": plan.candidate_pairs,
        f"{prefix}objective": round(plan.objective, 4),
        f"{prefix}bound": round(plan.bound, 4),
        f"{prefix}gap_percent": round(100 * plan.gap, 4),
        f"{prefix}greedy_objective": round(plan.greedy_objective, 4),
        f"{prefix}method": plan.method,
        f"{prefix}solve_seconds": round(sum(plan.seconds.values()), 3),
    }


def _owners(spec: Spec, allocations):
    demand_owner = dict(
        spec.demand_model.objects.filter(pk__in={a.demand_id for a in allocations}).values_list("pk", "owner_id")
    )
    supply_owner = dict(
        spec.supply_model.objects.filter(pk__in={a.supply_id for a in allocations}).values_list("pk", "owner_id")
    )
    return demand_owner, supply_owner


def _new_matches(spec: Spec, cluster, run, allocations, expires_at, version: int, partnership=None):
    demand_owner, supply_owner = _owners(spec, allocations)
    return [
        Match(
            cluster=cluster,
            partner_cluster_id=partnership.other(cluster.pk) if partnership else None,
            partnership=partnership,
            kind=spec.kind,
            **{f"{spec.demand_field}_id": a.demand_id, f"{spec.supply_field}_id": a.supply_id},
            demand_owner_id=demand_owner[a.demand_id],
            supply_owner_id=supply_owner[a.supply_id],
            quantity=a.quantity,
            score=a.score,
            breakdown=a.breakdown,
            rulebook_version=version,
            expires_at=expires_at,
            run=run,
        )
        for a in allocations
    ]


def write_full_plan(spec: Spec, cluster, run, allocations, *, lease: leases.Lease, version: int) -> dict[str, int]:
    """Replace the unanswered proposals of ``cluster`` by ``allocations``; keep identical ones,
    their score and explanation rewritten under the rules in force (``version``)."""
    now = timezone.now()
    expires_at = now + datetime.timedelta(hours=rule_value(cluster=cluster, key="marketplace.proposal_expiry_hours"))
    wanted = {(a.demand_id, a.supply_id): a for a in allocations}
    with transaction.atomic():
        lease.fence()
        unanswered = Match.objects.select_for_update().filter(
            cluster=cluster,
            partner_cluster__isnull=True,  # the cross-cluster plan replaces its own (``write_partner_plan``)
            kind=spec.kind,
            status=Match.Status.PROPOSED,
            demand_accepted_at__isnull=True,
            supply_accepted_at__isnull=True,
            negotiating_since__isnull=True,  # a negotiation open on it: kept for the parties
        )
        existing = {
            (getattr(m, f"{spec.demand_field}_id"), getattr(m, f"{spec.supply_field}_id")): m for m in unanswered
        }
        withdraw, keep, rescored = [], [], []
        for key, match in existing.items():
            allocation = wanted.get(key)
            if allocation is not None and allocation.quantity == match.quantity:
                keep.append(key)
                if (match.score, match.breakdown, match.rulebook_version) != (
                    allocation.score,
                    allocation.breakdown,
                    version,
                ):
                    match.score, match.breakdown, match.rulebook_version = (
                        allocation.score,
                        allocation.breakdown,
                        version,
                    )
                    match.updated_at = now
                    rescored.append(match)
            else:
                withdraw.append(match.pk)
        Match.objects.filter(pk__in=withdraw).update(status=Match.Status.WITHDRAWN, updated_at=now)
        Match.objects.bulk_update(rescored, ["score", "breakdown", "rulebook_version", "updated_at"], batch_size=1000)
        fresh = [a for key, a in wanted.items() if key not in keep]
        created = Match.objects.bulk_create(
            _new_matches(spec, cluster, run, fresh, expires_at, version), batch_size=1000
        )
        notices.matches_proposed(cluster=cluster, matches=created)  # one digest per person per write
    return {
        "proposals_created": len(fresh),
        "proposals_kept": len(keep),
        "proposals_rescored": len(rescored),
        "proposals_withdrawn": len(withdraw),
    }


def rescore_open(cluster, *, lease: leases.Lease | None = None) -> int:
    """Every proposal still open (proposed, not accepted by both) that an older rulebook version
    scored, scored again under the weights in force from the factor values its explanation
    records; an accepted match keeps its score. Returns how many scores changed.

    The enactment of a matching rule calls it at once; every full re-plan calls it after writing
    its plan (fenced by its lease), for the proposals it did not rewrite itself (those a side has
    answered) and for versions that took effect later than they were enacted."""
    rules = matching_rules(cluster=cluster, today=timezone.localdate())
    version = rulebook_version(cluster=cluster)
    now = timezone.now()
    with transaction.atomic():
        if lease is not None:
            lease.fence()
        changed = []
        stale = Match.objects.select_for_update().filter(
            cluster=cluster, partner_cluster__isnull=True, status=Match.Status.PROPOSED
        )  # a cross-cluster proposal is scored by the rulebook its partnership names
        for match in stale.exclude(rulebook_version=version):
            weights = rules.weights if match.kind == MatchKind.PRODUCTION else rules.channel_weights
            score, breakdown = engine.reweigh(match.breakdown or {}, weights)
            if (score, breakdown, version) != (match.score, match.breakdown, match.rulebook_version):
                match.score, match.breakdown, match.rulebook_version, match.updated_at = score, breakdown, version, now
                changed.append(match)
        Match.objects.bulk_update(changed, ["score", "breakdown", "rulebook_version", "updated_at"], batch_size=1000)
    return len(changed)


def write_incremental(spec: Spec, cluster, run, allocations, *, lease: leases.Lease, version: int) -> dict[str, int]:
    now = timezone.now()
    expires_at = now + datetime.timedelta(hours=rule_value(cluster=cluster, key="marketplace.proposal_expiry_hours"))
    with transaction.atomic():
        lease.fence()
        open_pairs = set(
            Match.objects.filter(cluster=cluster, kind=spec.kind, status=Match.Status.PROPOSED).values_list(
                f"{spec.demand_field}_id", f"{spec.supply_field}_id"
            )
        )
        fresh = [a for a in allocations if (a.demand_id, a.supply_id) not in open_pairs]
        created = Match.objects.bulk_create(
            _new_matches(spec, cluster, run, fresh, expires_at, version), batch_size=1000
        )
        notices.matches_proposed(cluster=cluster, matches=created)  # one digest per person per write
    return {"proposals_created": len(fresh)}


def write_partner_plan(
    spec: Spec, cluster, partnership, run, allocations, *, lease: leases.Lease, version: int
) -> dict[str, int]:
    """Replace the unanswered cross-cluster proposals of ``cluster``'s demands with the partner's
    supplies by ``allocations`` (the same keep / withdraw rule as ``write_full_plan``)."""
    now = timezone.now()
    expires_at = now + datetime.timedelta(hours=rule_value(cluster=cluster, key="marketplace.proposal_expiry_hours"))
    wanted = {(a.demand_id, a.supply_id): a for a in allocations}
    with transaction.atomic():
        lease.fence()
        unanswered = Match.objects.select_for_update().filter(
            cluster=cluster,
            partner_cluster_id=partnership.other(cluster.pk),
            kind=spec.kind,
            status=Match.Status.PROPOSED,
            demand_accepted_at__isnull=True,
            supply_accepted_at__isnull=True,
        )
        keep, withdraw = set(), []
        for match in unanswered:
            key = (getattr(match, f"{spec.demand_field}_id"), getattr(match, f"{spec.supply_field}_id"))
            allocation = wanted.get(key)
            if (
                allocation is not None
                and allocation.quantity == match.quantity
                and match.partnership_id == partnership.pk
            ):
                keep.add(key)
            else:
                withdraw.append(match.pk)
        Match.objects.filter(pk__in=withdraw).update(status=Match.Status.WITHDRAWN, updated_at=now)
        fresh = [a for key, a in wanted.items() if key not in keep]
        created = Match.objects.bulk_create(
            _new_matches(spec, cluster, run, fresh, expires_at, version, partnership=partnership), batch_size=1000
        )
        notices.matches_proposed(cluster=cluster, matches=created)
    return {"proposals_created": len(fresh), "proposals_kept": len(keep), "proposals_withdrawn": len(withdraw)}


def _governing_cluster(partnership, demand_cluster):
    """The cluster whose rulebook scores a cross-cluster match (the partnership's terms)."""
    if partnership.governing_rulebook == partnership.Rulebook.PROPOSER:
        return partnership.proposer
    if partnership.governing_rulebook == partnership.Rulebook.PARTNER:
        return partnership.partner
    return demand_cluster


def plan_partners(run, lease: leases.Lease, cluster, today) -> None:
    """Cross-cluster candidates: ``cluster``'s shared demands against the shared supplies of each
    cluster partnered with it in force, for the kinds their partnership shares (both sides' kind).

    Run after the cluster's own plan, on the quantity it left free: a cluster's own members are
    matched first, and the engine's distance and region factors weigh against a far partner. An
    ended or suspended partnership plans nothing, and its unanswered proposals are withdrawn."""
    live = {p.pk: p for p in partnerships_in_force(cluster)}
    stale = Match.objects.filter(cluster=cluster, partner_cluster__isnull=False, status=Match.Status.PROPOSED).exclude(
        partnership_id__in=list(live)
    )
    with transaction.atomic():
        lease.fence()
        stale.update(status=Match.Status.WITHDRAWN, updated_at=timezone.now())
    for partnership in live.values():
        partner = partnership.partner if partnership.proposer_id == cluster.pk else partnership.proposer
        for spec in (PRODUCTION, CHANNEL):
            if not {spec.demand_field, spec.supply_field} <= set(partnership.shared_kinds):
                continue
            demands, supplies = load_inputs(spec, cluster, today, supply_cluster=partner)
            governing = _governing_cluster(partnership, cluster)
            rules = matching_rules(cluster=governing, today=today)
            result = solve(spec, demands, supplies, rules, _excluded_pairs(spec, cluster))
            written = write_partner_plan(
                spec,
                cluster,
                partnership,
                run,
                result.allocations,
                lease=lease,
                version=rulebook_version(cluster=governing),
            )
            _progress(run, lease, 100, **{f"partner_{partner.pk}_{spec.kind}_{k}": v for k, v in written.items()})


def _progress(run, lease: leases.Lease, percent: int, **counts) -> None:
    """Record a phase (and renew the lease); raises ``LeaseLost`` once the run is not ours."""
    run.progress = percent
    run.counts = {**run.counts, **counts}
    lease.update(progress=percent, counts=run.counts)


def _claimed(run: MatchingRun, lease: leases.Lease | None) -> leases.Lease:
    """The caller's lease, or (a direct call: demo data, benchmarks) one claimed here."""
    if lease is None:
        lease = leases.claim(run.pk)
        if lease is None:
            raise leases.LeaseLost(f"run {run.pk} is not free to claim")
    return lease


def run_full(run: MatchingRun, *, lease: leases.Lease | None = None) -> MatchingRun:
    """A full re-plan of the run's cluster: production, then channels."""
    lease = _claimed(run, lease)
    cluster, today = run.cluster, timezone.localdate()
    rules, version = matching_rules(cluster=cluster, today=today), rulebook_version(cluster=cluster)
    run.counts = {"rulebook_version": version}
    for index, spec in enumerate((PRODUCTION, CHANNEL)):
        demands, supplies = load_inputs(spec, cluster, today)
        _progress(
            run,
            lease,
            10 + 45 * index,
            **{f"{spec.kind}_demands": len(demands), f"{spec.kind}_supplies": len(supplies)},
        )
        result = solve(spec, demands, supplies, rules, _excluded_pairs(spec, cluster))
        written = write_full_plan(spec, cluster, run, result.allocations, lease=lease, version=version)
        _progress(
            run,
            lease,
            55 + 45 * index,
            **{f"{spec.kind}_{k}": v for k, v in written.items()},
            **plan_counts(f"{spec.kind}_", result),
        )
    plan_partners(run, lease, cluster, today)
    rescored = rescore_open(cluster, lease=lease)
    if rescored:
        _progress(run, lease, 100, proposals_rescored_answered=rescored)
    lease.succeed()
    run.refresh_from_db()
    return run


#: ``fn(run, listing_kind, listing_ids, *, lease, today) -> counts``: more proposals for the same listings
INCREMENTAL_EXTENSIONS: list = []


def run_incremental(
    run: MatchingRun, listing_kind: str, listing_ids: list[int], *, lease: leases.Lease | None = None
) -> MatchingRun:
    """Match new or changed listings against the cluster, proposing only uncovered quantity."""
    lease = _claimed(run, lease)
    cluster, today = run.cluster, timezone.localdate()
    spec = SPECS[listing_kind]
    is_demand = listing_kind in ("order", "channel_request")
    demands, supplies = load_inputs(
        spec,
        cluster,
        today,
        demand_ids=listing_ids if is_demand else None,
        supply_ids=None if is_demand else listing_ids,
        subtract_all_open=True,
    )
    result = solve(
        spec, demands, supplies, matching_rules(cluster=cluster, today=today), _excluded_pairs(spec, cluster)
    )
    version = rulebook_version(cluster=cluster)
    written = write_incremental(spec, cluster, run, result.allocations, lease=lease, version=version)
    for extend in INCREMENTAL_EXTENSIONS:  # after the cluster's own: across partners (apps/matching/partners.py)
        written |= extend(run, listing_kind, listing_ids, lease=lease, today=today)
    lease.succeed(
        counts={
            "rulebook_version": version,
            "demands": len(demands),
            "supplies": len(supplies),
            **written,
            **plan_counts("", result),
        },
    )
    run.refresh_from_db()
    return run
