"""The Django side of matching: listings in, proposals out.

Loads engine inputs with a bounded number of queries (no locks), runs the pure engine,
then writes proposals in one short transaction. Deterministic: the same state gives the
same proposals, so a rerun (or a retry after a killed worker) changes nothing. Every write
is fenced by the run's lease (``leases.Lease``): a worker that lost its run writes nothing.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from apps.marketplace import notices
from apps.marketplace.models import Match, MatchingRun, MatchKind
from apps.partnerships.selectors import partnerships_in_force
from apps.tenancy.rules import rule_value

from . import engine, leases, warm
from .inputs import (  # load_inputs, SPECS and the rest: what other apps and tests read here
    CHANNEL,
    PRODUCTION,
    SPECS,
    Spec,
    excluded_pairs,
    held,
    load_demands,
    load_inputs,
    verification,
)
from .rules import matching_rules, rulebook_version

_verification = verification  # the name tests/parks reads
_excluded_pairs = excluded_pairs


#: an incremental pass's exact programmes, in all: a burst's pass gathers many orders, whose
#: programmes can take seconds to prove their optimum; past this the pass takes the best plan
#: they found (never below greedy; the run records its method and gap), so it ends in seconds
INCREMENTAL_MIP_SECONDS = 2.0


def solve(spec: Spec, demands, supplies, rules, exclude, *, index=None, mip_seconds=None) -> engine.Plan:
    """``index``: a warm supply index (``warm``) that stands for ``supplies``; ``mip_seconds``:
    the exact programmes' time (the engine's default if None)."""
    if spec is PRODUCTION:
        if mip_seconds is not None:
            return engine.plan(demands, supplies, rules, exclude, index=index, mip_seconds=mip_seconds)
        return engine.plan(demands, supplies, rules, exclude, index=index)
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


def _owners(spec: Spec, allocations, owners=None):
    """The owners of the allocations' demands and supplies: from the engine's inputs when the
    caller has them (``owners``), else two queries."""
    if owners is not None:
        return owners
    demand_owner = dict(
        spec.demand_model.objects.filter(pk__in={a.demand_id for a in allocations}).values_list("pk", "owner_id")
    )
    supply_owner = dict(
        spec.supply_model.objects.filter(pk__in={a.supply_id for a in allocations}).values_list("pk", "owner_id")
    )
    return demand_owner, supply_owner


def owners_of(demands, supplies) -> tuple[dict[int, int], dict[int, int]]:
    return {d.id: d.owner for d in demands}, {s.id: s.owner for s in supplies}


def _new_matches(spec: Spec, cluster, run, allocations, expires_at, version: int, partnership=None, owners=None):
    demand_owner, supply_owner = _owners(spec, allocations, owners)
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


def write_full_plan(
    spec: Spec, cluster, run, allocations, *, lease: leases.Lease, version: int, owners=None
) -> dict[str, int]:
    """Replace the unanswered proposals of ``cluster`` by ``allocations``; keep identical ones,
    their score and explanation rewritten under the rules in force (``version``).

    Only what changed is written: the open proposals are read as rows (locked, over a
    server-side cursor), a proposal whose pair and quantity the plan keeps stays as it is (its
    score rewritten only if it differs), the others are withdrawn in one update and the new
    ones inserted in bulk. ``owners``: the inputs' owners (``owners_of``), saving two queries."""
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
        rows = unanswered.order_by().values_list(
            "pk",
            f"{spec.demand_field}_id",
            f"{spec.supply_field}_id",
            "quantity",
            "score",
            "breakdown",
            "rulebook_version",
        )
        withdraw, keep, rescored = [], set(), []
        for pk, demand_id, supply_id, quantity, score, breakdown, old_version in rows.iterator(chunk_size=5000):
            allocation = wanted.get((demand_id, supply_id))
            if allocation is not None and allocation.quantity == quantity:
                keep.add((demand_id, supply_id))
                if (score, breakdown, old_version) != (allocation.score, allocation.breakdown, version):
                    rescored.append(
                        Match(
                            pk=pk,
                            score=allocation.score,
                            breakdown=allocation.breakdown,
                            rulebook_version=version,
                            updated_at=now,
                        )
                    )
            else:
                withdraw.append(pk)
        Match.objects.filter(pk__in=withdraw).update(status=Match.Status.WITHDRAWN, updated_at=now)
        Match.objects.bulk_update(rescored, ["score", "breakdown", "rulebook_version", "updated_at"], batch_size=1000)
        fresh = [a for key, a in wanted.items() if key not in keep]
        created = Match.objects.bulk_create(
            _new_matches(spec, cluster, run, fresh, expires_at, version, owners=owners), batch_size=2000
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
            Match.objects.filter(
                cluster=cluster,
                kind=spec.kind,
                status=Match.Status.PROPOSED,
                **{f"{spec.demand_field}_id__in": list({a.demand_id for a in allocations})},
            ).values_list(f"{spec.demand_field}_id", f"{spec.supply_field}_id")
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
        result = solve(spec, demands, supplies, rules, excluded_pairs(spec, cluster))
        written = write_full_plan(
            spec, cluster, run, result.allocations, lease=lease, version=version, owners=owners_of(demands, supplies)
        )
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


def _incremental_inputs(spec: Spec, cluster, today, rules, version: int, listing_kind: str, listing_ids):
    """The run's demands and supplies, and the warm supply index when there is one: new demands of
    production meet the worker's warm index of the cluster's capacity (``warm``); a new supply, or
    a channel listing, is loaded cold."""
    if spec is PRODUCTION and listing_kind == "order":
        demand_held = held(spec, cluster, spec.demand_field, proposed_only_answered=False, ids=listing_ids)
        demands = load_demands(spec, cluster, today, demand_held, ids=listing_ids)
        index = warm.supply_index(cluster, today, rules, version, {d.capability for d in demands})
        return demands, index.supplies, index
    is_demand = listing_kind in ("order", "channel_request")
    demands, supplies = load_inputs(
        spec,
        cluster,
        today,
        demand_ids=listing_ids if is_demand else None,
        supply_ids=None if is_demand else listing_ids,
        subtract_all_open=True,
    )
    return demands, supplies, None


def run_incremental(
    run: MatchingRun, listing_kind: str, listing_ids: list[int], *, lease: leases.Lease | None = None
) -> MatchingRun:
    """Match new or changed listings against the cluster, proposing only uncovered quantity."""
    lease = _claimed(run, lease)
    cluster, today = run.cluster, timezone.localdate()
    spec = SPECS[listing_kind]
    rules, version = matching_rules(cluster=cluster, today=today), rulebook_version(cluster=cluster)
    demands, supplies, index = _incremental_inputs(spec, cluster, today, rules, version, listing_kind, listing_ids)
    is_demand = listing_kind in ("order", "channel_request")
    exclude = excluded_pairs(spec, cluster, demand_ids=[d.id for d in demands] if is_demand else None)
    result = solve(spec, demands, supplies, rules, exclude, index=index, mip_seconds=INCREMENTAL_MIP_SECONDS)
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
