"""A real Celery worker on Redis is SIGKILLed in the middle of a full re-plan; the run is
redelivered to a fresh worker and ends with exactly the proposals of a clean run."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from apps.marketplace.models import Match, MatchingRun
from apps.matching import planner
from apps.matching.tasks import replan_cluster
from cluster_platform.celery import app

ROOT = Path(__file__).resolve().parents[2]

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
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cluster_platform.settings.local",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_VISIBILITY_TIMEOUT": "4",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
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


def test_sigkill_mid_replan_ends_like_a_clean_run():
    from benchmarks.cluster_builder import build

    redis_url = os.environ["REDIS_URL"]
    queue = f"fault-test-{os.getpid()}"
    cluster = build(2000, seed=11)
    run = MatchingRun.objects.create(cluster=cluster, kind=MatchingRun.Kind.FULL, trigger="fault test")

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_transport_options")}
    app.conf.update(broker_url=redis_url, task_always_eager=False, broker_transport_options={"visibility_timeout": 4})
    first = start_worker(redis_url, queue)
    second = None
    try:
        replan_cluster.apply_async(args=[run.pk], queue=queue)
        assert wait_for(lambda: MatchingRun.objects.get(pk=run.pk).status == MatchingRun.Status.RUNNING, 60), (
            first.stderr.read1().decode() if first.poll() is not None else "the worker never started the run"
        )
        time.sleep(0.3)  # in the middle of loading / solving
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        assert MatchingRun.objects.get(pk=run.pk).status == MatchingRun.Status.RUNNING  # killed before it finished

        # A fresh worker receives the unacknowledged task once its visibility timeout has passed.
        second = start_worker(redis_url, queue)
        assert wait_for(lambda: MatchingRun.objects.get(pk=run.pk).status == MatchingRun.Status.SUCCEEDED, 120)
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(20)
                except subprocess.TimeoutExpired:
                    worker.kill()
        app.conf.update(saved)

    recovered = open_proposals(cluster)
    assert recovered, "the recovered run proposed nothing"
    assert len(recovered) == len({(o, c) for o, c, _q in recovered})  # no duplicate pair
    # A clean run on the same state changes nothing: same proposals, none created or withdrawn.
    clean = MatchingRun.objects.create(cluster=cluster, kind=MatchingRun.Kind.FULL, trigger="clean")
    clean = planner.run_full(MatchingRun.objects.select_related("cluster").get(pk=clean.pk))
    assert clean.counts["production_proposals_created"] == 0
    assert clean.counts["production_proposals_withdrawn"] == 0
    assert open_proposals(cluster) == recovered
