"""A real Celery worker on Redis is SIGKILLed in the middle of a full re-plan. Its run blocks a
new one only while its lease lasts (the 409 says until when); then beat's scan re-queues it, a
fresh worker takes it over and it ends with exactly the proposals of a clean run. The broker's
visibility timeout stays at its hour: the lease alone brings the run back."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from apps.core.dates import format_utc
from apps.marketplace.models import Match, MatchingRun
from apps.matching.tasks import reap_lapsed_runs
from cluster_platform.celery import app
from tests.factories import ClusterRoleFactory

ROOT = Path(__file__).resolve().parents[2]
#: the workers' lease in this test (90 s in production); renewed every sixth of it
LEASE_SECONDS = 2

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a worker process shares the test database only on PostgreSQL"
    ),
]


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(redis_url: str, queue: str) -> subprocess.Popen:
    """A worker on ``queue`` with a short lease and the broker's default (one hour) visibility timeout."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cluster_platform.settings.local",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "MATCHING_RUN_LEASE_SECONDS": str(LEASE_SECONDS),
        "CELERY_MATCHING_QUEUE": queue,  # full re-plans are routed to the matching queue
        "DEBUG": "false",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cluster_platform",
            "worker",
            "--pool",
            "solo",
            "-Q",
            queue,
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def open_proposals(cluster):
    return sorted(
        Match.objects.filter(cluster=cluster, status=Match.Status.PROPOSED).values_list(
            "order_id", "capacity_id", "quantity"
        )
    )


def run_state(run_id: int) -> MatchingRun:
    return MatchingRun.objects.get(pk=run_id)


def test_sigkilled_worker_run_is_taken_over_once_its_lease_lapses(settings):
    from benchmarks.cluster_builder import build

    redis_url = os.environ["REDIS_URL"]
    queue = f"fault-test-{os.getpid()}"
    cluster = build(2000, seed=11)
    admin = APIClient()
    admin.force_authenticate(ClusterRoleFactory(cluster=cluster).user)
    runs_url = f"/api/v1/clusters/{cluster.slug}/matching-runs/"
    settings.MATCHING_RUN_LEASE_SECONDS = LEASE_SECONDS  # the test process re-queues with the same lease

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue", "matching_queue")}
    app.conf.update(broker_url=redis_url, task_always_eager=False, task_default_queue=queue, matching_queue=queue)
    first = start_worker(redis_url, queue)
    second = None
    try:
        response = admin.post(runs_url)  # sent to the broker on commit
        assert response.status_code == 202, response.content
        run_id = response.json()["id"]
        assert wait_for(lambda: run_state(run_id).status == MatchingRun.Status.RUNNING, 60), (
            first.stderr.read1().decode() if first.poll() is not None else "the worker never started the run"
        )
        time.sleep(0.3)  # in the middle of loading / solving
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        killed = run_state(run_id)
        assert (killed.status, killed.attempt) == (MatchingRun.Status.RUNNING, 1)  # killed before it finished
        second = start_worker(redis_url, queue)  # starts while the lease runs out

        # While the dead worker's lease lasts, a new run is refused, naming when the lease ends.
        response = admin.post(runs_url)
        assert response.status_code == 409, response.content
        assert response.json()["retry_at"] == format_utc(run_state(run_id).lease_expires_at)
        assert 1 <= int(response["Retry-After"]) <= LEASE_SECONDS

        # Once it lapsed, beat's scan re-queues the run, and the fresh worker takes it over.
        assert wait_for(lambda: timezone.now() > run_state(run_id).lease_expires_at, LEASE_SECONDS + 1)
        assert reap_lapsed_runs() == {"requeued": 1, "failed": 0}
        assert wait_for(lambda: run_state(run_id).status == MatchingRun.Status.SUCCEEDED, 60), (
            second.stderr.read1().decode() if second.poll() is not None else run_state(run_id).status
        )
        assert run_state(run_id).attempt == 2
        recovered = open_proposals(cluster)

        # The cluster is free again: a new run starts and, on the same state, changes nothing.
        response = admin.post(runs_url)
        assert response.status_code == 202, response.content
        clean_id = response.json()["id"]
        assert wait_for(lambda: run_state(clean_id).status == MatchingRun.Status.SUCCEEDED, 60)
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(20)
                except subprocess.TimeoutExpired:
                    worker.kill()
        app.conf.update(saved)

    assert recovered, "the recovered run proposed nothing"
    assert len(recovered) == len({(o, c) for o, c, _q in recovered})  # no duplicate pair
    clean = run_state(clean_id)
    assert clean.counts["production_proposals_created"] == 0
    assert clean.counts["production_proposals_withdrawn"] == 0
    assert open_proposals(cluster) == recovered
