"""A full plan solved across Celery workers (apps/matching/distributed.py).

On a real Redis-backed pool of TWO worker processes the distributed plan is the single-process
plan of the same instance: the same allocations. A large cluster's full re-plan takes that path
(tasks eager here) and writes the proposals a plan in the worker writes; a run whose lease was
lost writes nothing and leaves nothing behind in Redis."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from apps.marketplace.models import Match, MatchingRun
from apps.matching import distributed, engine
from apps.matching.engine import decompose as dc
from benchmarks.matching import generate
from cluster_platform.celery import app
from tests.factories import ClusterRoleFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.redis


def quantities(allocations) -> list[tuple[int, int, int]]:
    return sorted((a.demand_id, a.supply_id, a.quantity) for a in allocations)


def start_worker(redis_url: str, queue: str, name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cluster_platform.settings.local",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_MATCHING_QUEUE": queue,
        "DEBUG": "false",
    }
    command = [sys.executable, "-m", "celery", "-A", "cluster_platform", "worker", "--pool", "solo", "-Q", queue]
    command += ["-n", f"{name}@%h", "--without-mingle", "--without-gossip", "--loglevel", "WARNING"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.fixture
def two_workers():
    """Two worker processes on a queue of this test's own, the test process sending to Redis."""
    redis_url = os.environ["REDIS_URL"]
    queue = f"matching-test-{os.getpid()}"
    keys = ("broker_url", "result_backend", "task_always_eager", "matching_queue")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False, matching_queue=queue)
    workers = [start_worker(redis_url, queue, f"part{n}-{os.getpid()}") for n in (1, 2)]
    try:
        yield workers
    finally:
        for worker in workers:
            worker.kill()
        for worker in workers:
            worker.wait(20)
        app.conf.update(saved)


def wait_result(job: str, workers, timeout: float = 180.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = distributed.result(job)
        if found is not None:
            distributed.cleanup(job)
            return found
        dead = [w for w in workers if w.poll() is not None]
        assert not dead, dead[0].stderr.read().decode()[-2000:]
        time.sleep(0.1)
    raise AssertionError(f"the distributed plan {job} did not finish in {timeout} s")


def test_two_worker_processes_make_the_single_process_plan(two_workers):
    # An instance the single process solves exactly: the distributed plan is the same plan.
    demands, supplies, rules = generate(50, 50, 1)
    whole = engine.plan(demands, supplies, rules)
    assert whole.method == "exact"
    summary, allocations = wait_result(distributed.submit(demands, supplies, rules, parts=4), two_workers)
    assert quantities(allocations) == quantities(whole.allocations)
    assert {(a.demand_id, a.supply_id): a.breakdown for a in allocations} == {
        (a.demand_id, a.supply_id): a.breakdown for a in whole.allocations
    }
    assert summary["objective"] == pytest.approx(whole.objective, rel=1e-9)
    assert summary["candidate_pairs"] == whole.candidate_pairs

    # A larger one, solved by flow + repair: the same steps in one process give the same plan,
    # the bound (the flow relaxation, which adds up over independent parts) is the whole's,
    # and both worker processes took part.
    demands, supplies, rules = generate(1000, 1000, 4)
    job = distributed.submit(demands, supplies, rules, parts=6, explain=False)
    summary, allocations = wait_result(job, two_workers)
    in_process = dc.plan_in_parts(demands, supplies, rules, parts=6, explain=False)
    whole = engine.plan(demands, supplies, rules, explain=False)
    assert whole.method.startswith("flow+repair")
    assert quantities(allocations) == quantities(in_process.allocations)
    assert summary["bound"] == pytest.approx(whole.bound, rel=1e-9)
    assert summary["candidate_pairs"] == whole.candidate_pairs
    assert summary["objective"] >= summary["greedy_objective"]
    assert summary["workers"] == 2, summary


def test_a_run_whose_lease_was_lost_writes_nothing(settings, db):
    """Eager tasks: the chord runs in this process, each part checks the run's lease first."""
    settings.CELERY_RESULT_BACKEND = os.environ["REDIS_URL"]
    from benchmarks.cluster_builder import build

    cluster = build(60, seed=5)
    run = MatchingRun.objects.create(cluster=cluster, kind=MatchingRun.Kind.FULL, status=MatchingRun.Status.RUNNING)
    run.attempt = 2
    run.save(update_fields=["attempt"])
    demands, supplies, rules = generate(60, 60, 5)
    sink = {"run": run.pk, "attempt": 1, "version": 1, "finish": "apps.matching.distributed_runs.finish_full_run"}
    job = distributed.submit(demands, supplies, rules, parts=2, sink=sink)
    assert not Match.objects.filter(run=run).exists()
    assert not list(distributed._redis().scan_iter(match=f"matching:dist:{job}:*"))


@pytest.mark.django_db(transaction=True)
def test_a_large_clusters_full_run_goes_distributed_and_writes_the_plan_a_worker_writes(settings):
    from benchmarks.cluster_builder import build

    assert django_settings.CELERY_TASK_ALWAYS_EAGER
    settings.CELERY_RESULT_BACKEND = os.environ["REDIS_URL"]
    cluster = build(120, seed=7)
    admin = APIClient()
    admin.force_authenticate(ClusterRoleFactory(cluster=cluster).user)
    runs_url = f"/api/v1/clusters/{cluster.slug}/matching-runs/"

    settings.MATCHING_DISTRIBUTED_MIN_DEMANDS = 100  # 120 open orders: across the workers
    response = admin.post(runs_url)
    assert response.status_code == 202, response.content
    run = MatchingRun.objects.get(pk=response.json()["id"])
    assert run.status == MatchingRun.Status.SUCCEEDED, run.error
    assert run.counts["distributed"] is True
    assert run.counts["production_proposals_created"] > 0
    assert run.counts["distributed_parts"] >= 1
    proposed = set(
        Match.objects.filter(cluster=cluster, status=Match.Status.PROPOSED).values_list("order", "capacity", "quantity")
    )

    settings.MATCHING_DISTRIBUTED_MIN_DEMANDS = 10**9  # the same state planned in the worker
    response = admin.post(runs_url)
    assert response.status_code == 202, response.content
    again = MatchingRun.objects.get(pk=response.json()["id"])
    assert again.status == MatchingRun.Status.SUCCEEDED, again.error
    assert "distributed" not in again.counts
    assert again.counts["production_method"] == "exact"
    assert (again.counts["production_proposals_created"], again.counts["production_proposals_withdrawn"]) == (0, 0)
    assert (
        set(
            Match.objects.filter(cluster=cluster, status=Match.Status.PROPOSED).values_list(
                "order", "capacity", "quantity"
            )
        )
        == proposed
    )
