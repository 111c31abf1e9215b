"""Thin matching tasks: ids in, a planner call, idempotent reruns."""

from celery import shared_task
from django.utils import timezone

from apps.marketplace.models import MatchingRun
from apps.tenancy.models import Cluster

from . import planner


@shared_task(name="matching.replan_cluster", acks_late=True, max_retries=3)
def replan_cluster(run_id: int) -> str:
    run = MatchingRun.objects.select_related("cluster").filter(pk=run_id).first()
    if run is None or run.status == MatchingRun.Status.SUCCEEDED:
        return "skipped"
    try:
        planner.run_full(run)
    except Exception as exc:
        MatchingRun.objects.filter(pk=run_id).update(
            status=MatchingRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        raise
    return "done"


def _incremental(cluster_id: int, kind: str, ids: list[int], trigger: str) -> int:
    run = MatchingRun.objects.create(cluster_id=cluster_id, kind=MatchingRun.Kind.INCREMENTAL, trigger=trigger[:60])
    run = MatchingRun.objects.select_related("cluster").get(pk=run.pk)
    planner.run_incremental(run, kind, ids)
    return run.pk


@shared_task(name="matching.match_listing", acks_late=True)
def match_listing(kind: str, listing_id: int) -> int | None:
    model = (
        planner.SPECS[kind].demand_model if kind in ("order", "channel_request") else planner.SPECS[kind].supply_model
    )
    cluster_id = model.objects.filter(pk=listing_id).values_list("cluster_id", flat=True).first()
    if cluster_id is None:
        return None
    return _incremental(cluster_id, kind, [listing_id], f"{kind}:{listing_id}")


@shared_task(name="matching.replan_demands", acks_late=True)
def replan_demands(kind: str, demand_ids: list[int]) -> list[int]:
    """Unified scheduling: demands that lost their proposals are matched again at once."""
    model = planner.SPECS[kind].demand_model
    runs = []
    for cluster_id in set(model.objects.filter(pk__in=demand_ids).values_list("cluster_id", flat=True)):
        ids = list(model.objects.filter(pk__in=demand_ids, cluster_id=cluster_id).values_list("pk", flat=True))
        runs.append(_incremental(cluster_id, kind, ids, f"replan {kind} x{len(ids)}"))
    return runs


@shared_task(name="matching.replan_all_clusters")
def replan_all_clusters() -> int:
    from .services import matching_run_start

    started = 0
    for cluster in Cluster.objects.filter(status=Cluster.Status.ACTIVE):
        matching_run_start(actor=None, cluster=cluster)
        started += 1
    return started


@shared_task(name="marketplace.housekeeping")
def housekeeping() -> dict:
    """Expire proposals and listings past their dates; publish ratings that are due."""
    from apps.marketplace.services.deals import ratings_publish_due
    from apps.marketplace.services.listings import listings_expire
    from apps.marketplace.services.matches import matches_expire

    return {
        "matches_expired": matches_expire(),
        "listings_expired": listings_expire(),
        "ratings_published": ratings_publish_due(),
    }
