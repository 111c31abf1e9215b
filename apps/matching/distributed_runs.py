"""A matching run's full re-plan through the distributed plan (``distributed``), start and finish.

``tasks.replan_cluster`` (the one call site) starts a run this way when its cluster has at
least ``MATCHING_DISTRIBUTED_MIN_DEMANDS`` open orders and Redis is there; otherwise
``planner.run_full`` plans it in the worker as before. The finish does what ``run_full`` does
after its production plan: the same writes through the planner's functions, fenced by the lease.
"""

from django.conf import settings
from django.utils import timezone

from apps.marketplace.models import MATCHABLE, MatchingRun, Order

from . import distributed, engine, leases, planner
from .rules import matching_rules, rulebook_version


def wanted(run_id: int) -> bool:
    if not distributed.enabled():
        return False
    cluster_id = MatchingRun.objects.filter(pk=run_id).values_list("cluster_id", flat=True).first()
    demands = Order.objects.filter(cluster_id=cluster_id, status__in=MATCHABLE).count()
    return demands >= settings.MATCHING_DISTRIBUTED_MIN_DEMANDS


def start(run: MatchingRun, *, lease: leases.Lease) -> None:
    """Load the production inputs once, store the parts and start the chords; the run stays running."""
    cluster, today = run.cluster, timezone.localdate()
    rules, version = matching_rules(cluster=cluster, today=today), rulebook_version(cluster=cluster)
    demands, supplies = planner.load_inputs(planner.PRODUCTION, cluster, today)
    counts = {
        "rulebook_version": version,
        "production_demands": len(demands),
        "production_supplies": len(supplies),
        "distributed": True,
    }
    lease.update(progress=10, counts=counts)
    distributed.submit(
        demands,
        supplies,
        rules,
        planner._excluded_pairs(planner.PRODUCTION, cluster),
        sink={"run": run.pk, "attempt": lease.attempt, "version": version, "finish": f"{__name__}.finish_full_run"},
    )


def _progress(run: MatchingRun, lease: leases.Lease, percent: int, **counts) -> None:
    run.counts = {**run.counts, **counts}
    lease.update(progress=percent, counts=run.counts)


def finish_full_run(sink: dict, lease: leases.Lease, merged, summary: dict) -> dict:
    """Write the merged production plan, then plan channels and partners as ``run_full`` does."""
    run = MatchingRun.objects.select_related("cluster").get(pk=sink["run"])
    try:
        _finish(run, lease, merged, summary, sink["version"])
    except leases.LeaseLost:
        return {"superseded": True}
    except Exception as exc:
        lease.fail(exc)
        raise
    return summary


def _finish(run, lease, merged, summary: dict, version: int) -> None:
    cluster, today = run.cluster, timezone.localdate()
    plan = engine.Plan(
        allocations=merged.allocations,
        objective=merged.objective,
        bound=merged.bound,
        greedy_objective=merged.greedy_objective,
        method=summary["method"],
        candidate_pairs=merged.pairs,
    )
    written = planner.write_full_plan(planner.PRODUCTION, cluster, run, plan.allocations, lease=lease, version=version)
    _progress(
        run,
        lease,
        55,
        **{f"production_{k}": v for k, v in written.items()},
        **planner.plan_counts("production_", plan),
        distributed_parts=summary["parts"],
        distributed_chunks=summary["chunks"],
    )
    spec = planner.CHANNEL
    demands, supplies = planner.load_inputs(spec, cluster, today)
    rules = matching_rules(cluster=cluster, today=today)
    result = planner.solve(spec, demands, supplies, rules, planner._excluded_pairs(spec, cluster))
    written = planner.write_full_plan(spec, cluster, run, result.allocations, lease=lease, version=version)
    _progress(
        run,
        lease,
        100,
        **{f"{spec.kind}_demands": len(demands), f"{spec.kind}_supplies": len(supplies)},
        **{f"{spec.kind}_{k}": v for k, v in written.items()},
        **planner.plan_counts(f"{spec.kind}_", result),
    )
    planner.plan_partners(run, lease, cluster, today)
    rescored = planner.rescore_open(cluster, lease=lease)
    if rescored:
        _progress(run, lease, 100, proposals_rescored_answered=rescored)
    lease.succeed()
