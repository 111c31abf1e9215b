"""A task goes through a real Celery worker consuming from Redis (not eager mode),
and its result lands in the database."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from apps.core.models import Heartbeat
from apps.core.tasks import record_heartbeat
from cluster_platform.celery import app


@pytest.fixture
def redis_worker(transactional_db):
    """A worker thread consuming from the Redis broker named by REDIS_URL."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.broker_url = os.environ["REDIS_URL"]
    app.conf.task_always_eager = False
    try:
        # the broker's database outlives a run: what an earlier run left queued (or unacknowledged)
        # is purged first, and the worker consumes the queue the task is sent to, named outright
        app.control.purge()
        queue = app.conf.task_default_queue
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]) as worker:
            yield worker
    finally:
        app.conf.update(saved)


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.redis
def test_task_enqueued_on_commit_runs_on_a_real_worker(redis_worker):
    # Given a task enqueued inside a transaction, it is only sent once the transaction commits
    with transaction.atomic():
        record_heartbeat.delay_on_commit("ci-worker-test")
        assert not Heartbeat.objects.filter(source="ci-worker-test").exists()

    # Then the worker consumes it from Redis and writes to the database
    assert wait_for(lambda: Heartbeat.objects.filter(source="ci-worker-test").exists()), "the worker never ran the task"
    assert Heartbeat.objects.get(source="ci-worker-test").beats == 1

    # and running it again is an increment, never a duplicate row
    record_heartbeat.delay("ci-worker-test")
    assert wait_for(lambda: Heartbeat.objects.get(source="ci-worker-test").beats == 2)
    assert Heartbeat.objects.filter(source="ci-worker-test").count() == 1
