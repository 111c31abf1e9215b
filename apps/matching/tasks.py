"""Thin matching tasks: ids in, a planner call, idempotent reruns."""

from celery import shared_task
from django.conf import settings

from apps.core.db.transient import transient_database_error
from apps.marketplace.models import MatchingRun
from apps.tenancy.models import Cluster

from . import batching, distributed_runs, leases, planner
from .services import matching_run_start, matching_runs_reap


def _run_held(lease: leases.Lease, work, *args) -> str:
    """Run ``work`` under ``lease``, renewed from a thread; a lost lease ends it without writing.

    A full run that meets a transient database error (``PlatformTask`` retries the task) is
    handed back to the queue while it has attempts left, so the retry claims and finishes it
    instead of finding it failed; any other error fails the run. An incremental run's retry
    starts a fresh run, so that one is failed either way."""
    run = MatchingRun.objects.select_related("cluster").get(pk=lease.run_id)
    with leases.kept_alive(lease):
        try:
            work(run, *args, lease=lease)
        except leases.LeaseLost:
            return "superseded"
        except Exception as exc:
            retried = (
                run.kind == MatchingRun.Kind.FULL
                and transient_database_error(exc)
                and lease.attempt < settings.MATCHING_RUN_MAX_ATTEMPTS
            )
            if not (retried and lease.hand_back(exc)):
                lease.fail(exc)
            raise
    return "done"


@shared_task(name="matching.replan_cluster", acks_late=True)
def replan_cluster(run_id: int) -> str:
    lease = leases.claim(run_id)
    if lease is None:  # finished, held by a live worker, or out of attempts
        return "skipped"
    if distributed_runs.wanted(run_id):  # a large cluster: its parts across the matching workers
        return _run_held(lease, distributed_runs.start)
    return _run_held(lease, planner.run_full)


def _arm(cluster_id: int, kind: str, countdown: float) -> None:
    match_pending.apply_async((cluster_id, kind), countdown=countdown)


def _cluster_of(kind: str, listing_id: int) -> int | None:
    spec = planner.SPECS[kind]
    model = spec.demand_model if kind in ("order", "channel_request") else spec.supply_model
    return model.objects.filter(pk=listing_id).values_list("cluster_id", flat=True).first()


def _pend(cluster_id: int, kind: str, listing_id: int, event: str) -> bool:
    """The listing into its cluster's next pass, the pass armed if none is; False without Redis."""
    arm = batching.add(cluster_id, kind, listing_id, event)
    if arm is None:
        return False
    if arm:
        _arm(cluster_id, kind, batching.WINDOW)
    return True


def pend_listing(kind: str, listing_id: int, event: str = "new", cluster_id: int | None = None) -> bool:
    """``match_listing``'s work done by the process that posted the listing (the outbox's local
    step, ``apps.core.outbox.LOCAL``): the listing joins its cluster's next pass at commit, and no
    worker runs a task per listing (in a burst, the worker's share of each order was mostly that
    task's round trip). False without Redis: the task is sent, and the worker matches it at once.
    ``cluster_id``: the listing's, as the poster knew it (a message of old without it is looked up)."""
    cluster_id = cluster_id or _cluster_of(kind, listing_id)
    return cluster_id is None or _pend(cluster_id, kind, listing_id, event)


@shared_task(name="matching.match_listing", acks_late=True)
def match_listing(kind: str, listing_id: int, event: str = "new", cluster_id: int | None = None) -> int | None:
    """A new, changed or published listing: into its cluster's next pass (``batching``), or, with
    no Redis to gather a burst in, matched at once; the run's trigger records which (``describe``)."""
    cluster_id = cluster_id or _cluster_of(kind, listing_id)
    if cluster_id is None or _pend(cluster_id, kind, listing_id, event):
        return None
    return _incremental(cluster_id, kind, [listing_id], f"{kind}:{listing_id}:{event}")


@shared_task(name="matching.match_pending", acks_late=True)
def match_pending(cluster_id: int, kind: str) -> int | None:
    """One pass over the listings of ``kind`` waiting in the cluster (``batching``): one run for
    all of them. Idempotent: a pass that finds nothing, or the lock held, does nothing; ids stay
    taken until their run succeeded, so a retry, or the next pass, plans them again."""
    started = batching.clock()
    taken = batching.take(cluster_id, kind)
    if taken is None:
        return None
    token, listings = taken
    ids = sorted({listing_id for listing_id, _event in listings})
    trigger = f"{kind}:{listings[0][0]}:{listings[0][1]}" if len(listings) == 1 else f"batch:{kind}:{len(ids)}"
    run_id, planned = None, not ids
    try:
        if ids:
            run_id = _incremental(cluster_id, kind, ids, trigger)
            # a run that lost its lease (a stalled worker) is planned again by the next pass
            planned = MatchingRun.objects.filter(pk=run_id, status=MatchingRun.Status.SUCCEEDED).exists()
    except Exception as exc:
        planned = not transient_database_error(exc)  # a real error fails the run once, as before
        raise
    finally:
        if batching.done(cluster_id, kind, token, listings, planned=planned):
            _arm(cluster_id, kind, batching.next_pass_in(started, len(listings)))  # arrived during this pass
    return run_id


def _incremental(cluster_id: int, kind: str, ids: list[int], trigger: str) -> int:
    run, lease = leases.start_held(cluster_id=cluster_id, kind=MatchingRun.Kind.INCREMENTAL, trigger=trigger[:60])
    _run_held(lease, planner.run_incremental, kind, ids)
    return run.pk


@shared_task(name="matching.replan_demands", acks_late=True)
def replan_demands(kind: str, demand_ids: list[int]) -> list[int]:
    """Unified scheduling: demands that lost their proposals are matched again at once."""
    model = planner.SPECS[kind].demand_model
    runs = []
    for cluster_id in set(model.objects.filter(pk__in=demand_ids).values_list("cluster_id", flat=True)):
        ids = list(model.objects.filter(pk__in=demand_ids, cluster_id=cluster_id).values_list("pk", flat=True))
        runs.append(_incremental(cluster_id, kind, ids, f"replan:{kind}:{len(ids)}"))
    return runs


@shared_task(name="matching.replan_all_clusters")
def replan_all_clusters() -> int:
    started = 0
    for cluster in Cluster.objects.filter(status=Cluster.Status.ACTIVE):
        matching_run_start(actor=None, cluster=cluster)
        started += 1
    return started


@shared_task(name="matching.rules_changed")
def rules_changed(cluster_id: int, version: int) -> dict:
    """The council changed the matching rules: open proposals are scored under them at once, and a
    full re-plan (if none is under way) re-allocates. Idempotent: a rerun finds the scores current.
    A version that takes effect later is picked up by the periodic re-plan once it applies."""
    cluster = Cluster.objects.filter(pk=cluster_id).first()
    if cluster is None:
        return {"rescored": 0}
    rescored = planner.rescore_open(cluster)
    run = matching_run_start(actor=None, cluster=cluster, trigger=f"rules:{version}")
    return {"rescored": rescored, "run": run.pk}


@shared_task(name="matching.reap_lapsed_runs")
def reap_lapsed_runs() -> dict:
    """Beat, every 30 s: runs whose worker stopped renewing the lease are re-queued or failed, and
    listings a dead pass left waiting get a pass."""
    done = matching_runs_reap()
    for cluster_id, kind in batching.waiting():
        _arm(cluster_id, kind, 0)
    return done
