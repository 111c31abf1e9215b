"""A matching run's lease: a live run refuses a second full run and says until when; a run whose
worker stopped renewing its lease is handed on (re-queued once, then failed) and does not block;
a worker that lost its run writes nothing. The real-worker version is
tests/matching/test_worker_faults.py."""

import datetime
import inspect
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.dates import format_utc
from apps.marketplace.models import Match, MatchingRun
from apps.matching import leases, planner
from apps.matching.tasks import reap_lapsed_runs, replan_cluster
from tests.factories.marketplace import MatchingRunFactory

from .conftest import capacity_body, order_body

pytestmark = pytest.mark.django_db


def lapse_lease(run_id: int) -> None:
    """What a SIGKILLed worker leaves: a lease nobody renews, now in the past."""
    MatchingRun.objects.filter(pk=run_id).update(lease_expires_at=timezone.now() - datetime.timedelta(seconds=1))


@pytest.fixture
def listings(as_user, market):
    """An order and a capacity offer that match, posted without running the incremental jobs."""
    as_user(market.supplier_owner).post(market.url("capacities/"), capacity_body(market.supplier), format="json")
    as_user(market.buyer_owner).post(market.url("orders/"), order_body(market), format="json")
    assert not Match.objects.exists()


def start(admin, market):
    response = admin.post(market.url("matching-runs/"))
    assert response.status_code == 202, response.content
    return MatchingRun.objects.get(pk=response.json()["id"])


@pytest.mark.parametrize("state", ["queued", "running"])
def test_a_live_run_refuses_a_second_one_and_names_when_its_lease_ends(as_user, market, settings, state):
    settings.MATCHING_RUN_LEASE_SECONDS = 90
    admin = as_user(market.admin)
    run = start(admin, market)  # no on-commit execution: it stays queued, with a claim deadline
    if state == "running":
        assert leases.claim(run.pk) is not None  # a worker holds it
    run.refresh_from_db()
    assert run.status == state and run.lease_expires_at > timezone.now()

    response = admin.post(market.url("matching-runs/"))

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "run_in_progress" and f"(run {run.pk})" in body["detail"]
    assert body["retry_at"] == format_utc(run.lease_expires_at)
    assert 1 <= int(response["Retry-After"]) <= 90
    assert timezone.localtime(run.lease_expires_at).strftime("%H:%M:%S") in body["detail"]
    assert MatchingRun.objects.filter(kind="full").count() == 1
    # the run itself shows its lease and attempt
    shown = admin.get(market.url(f"matching-runs/{run.pk}/")).json()
    assert shown["lease_expires_at"] == body["retry_at"] and shown["attempt"] == (1 if state == "running" else 0)


def test_a_run_whose_worker_died_does_not_block_and_is_superseded(
    as_user, market, listings, django_capture_on_commit_callbacks
):
    admin = as_user(market.admin)
    dead = start(admin, market)
    assert leases.claim(dead.pk) is not None
    lapse_lease(dead.pk)

    with django_capture_on_commit_callbacks(execute=True):
        fresh = start(admin, market)

    dead.refresh_from_db()
    fresh.refresh_from_db()
    assert dead.status == "failed" and f"Superseded by run {fresh.pk}" in dead.error
    assert dead.lease_expires_at is None
    assert fresh.status == "succeeded" and fresh.counts["production_proposals_created"] == 1
    # the dead run's message, delivered late, finds nothing to do
    assert replan_cluster(dead.pk) == "skipped"
    assert Match.objects.filter(status="proposed").count() == 1


def test_a_queued_run_no_worker_claimed_in_time_does_not_block(as_user, market):
    admin = as_user(market.admin)
    lost = start(admin, market)  # its message never reaches a worker
    lapse_lease(lost.pk)
    fresh = start(admin, market)
    lost.refresh_from_db()
    assert lost.status == "failed" and f"Superseded by run {fresh.pk}" in lost.error


def test_beat_requeues_a_lapsed_run_once_then_fails_it(as_user, market, listings, django_capture_on_commit_callbacks):
    admin = as_user(market.admin)
    run = start(admin, market)
    assert leases.claim(run.pk).attempt == 1
    lapse_lease(run.pk)

    # first lapse: queued again and its task sent, which a worker takes as attempt 2
    assert reap_lapsed_runs() == {"requeued": 1, "failed": 0}
    run.refresh_from_db()
    assert run.status == "queued" and run.lease_expires_at > timezone.now()
    assert "queued again" in run.error
    assert admin.post(market.url("matching-runs/")).status_code == 409  # queued again: it blocks
    assert leases.claim(run.pk).attempt == 2

    # second lapse: out of attempts, failed with the reason, and a new run can start
    lapse_lease(run.pk)
    assert reap_lapsed_runs() == {"requeued": 0, "failed": 1}
    run.refresh_from_db()
    assert run.status == "failed" and "attempt 2 of 2" in run.error and run.finished_at is not None
    assert reap_lapsed_runs() == {"requeued": 0, "failed": 0}  # idempotent
    with django_capture_on_commit_callbacks(execute=True):
        fresh = start(admin, market)
    fresh.refresh_from_db()
    assert fresh.status == "succeeded"


def test_a_requeued_run_is_completed_by_the_next_worker(as_user, market, listings, django_capture_on_commit_callbacks):
    admin = as_user(market.admin)
    run = start(admin, market)
    leases.claim(run.pk)
    lapse_lease(run.pk)
    with django_capture_on_commit_callbacks(execute=True):  # the re-queued task runs at once (eager)
        reap_lapsed_runs()
    run.refresh_from_db()
    assert (run.status, run.attempt, run.lease_expires_at) == ("succeeded", 2, None)
    assert Match.objects.filter(status="proposed", run=run).count() == 1


def test_a_worker_holding_a_live_lease_keeps_its_run(as_user, market):
    run = start(as_user(market.admin), market)
    assert leases.claim(run.pk) is not None
    assert leases.claim(run.pk) is None  # a duplicate message while the first worker is alive
    assert replan_cluster(run.pk) == "skipped"
    assert reap_lapsed_runs() == {"requeued": 0, "failed": 0}
    run.refresh_from_db()
    assert (run.status, run.attempt) == ("running", 1)


def test_a_stale_worker_cannot_write_a_full_plan(as_user, market, listings, monkeypatch):
    """The first worker stalls in the solver past its lease; the run is re-queued and claimed
    by another worker; when the first one wakes up, none of its writes land."""
    run = start(as_user(market.admin), market)
    real_solve = planner.solve
    taken_over = {}

    def stall_then_solve(*args, **kwargs):
        if not taken_over:
            lapse_lease(run.pk)
            assert reap_lapsed_runs()["requeued"] == 1
            taken_over["lease"] = leases.claim(run.pk)
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(planner, "solve", stall_then_solve)

    assert replan_cluster(run.pk) == "superseded"

    assert not Match.objects.exists()  # the stale worker wrote no proposal
    run.refresh_from_db()
    assert (run.status, run.attempt, run.progress) == ("running", 2, 10)  # still the new holder's
    stale = leases.Lease(run_id=run.pk, attempt=1)
    assert stale.renew() is False
    assert stale.fail(RuntimeError("late")) is False
    with pytest.raises(leases.LeaseLost):
        stale.succeed()
    # the holder finishes with one plan
    planner.run_full(MatchingRun.objects.select_related("cluster").get(pk=run.pk), lease=taken_over["lease"])
    run.refresh_from_db()
    assert run.status == "succeeded" and run.error.startswith("The worker stopped renewing its lease")
    assert Match.objects.filter(status="proposed").count() == 1


def test_a_stale_worker_cannot_write_an_incremental_plan(
    as_user, market, monkeypatch, django_capture_on_commit_callbacks
):
    as_user(market.supplier_owner).post(market.url("capacities/"), capacity_body(market.supplier), format="json")
    real_solve = planner.solve

    def stall_then_solve(*args, **kwargs):
        run = MatchingRun.objects.get(kind="incremental", status="running")
        lapse_lease(run.pk)
        assert reap_lapsed_runs() == {"requeued": 0, "failed": 1}  # the broker redelivers its task
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(planner, "solve", stall_then_solve)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(market.buyer_owner).post(market.url("orders/"), order_body(market), format="json")

    assert response.status_code == 201
    assert not Match.objects.exists()
    runs = MatchingRun.objects.filter(kind="incremental")  # the order's, and the capacity's relayed from the outbox
    assert runs.exists()
    assert all(run.status == "failed" and "stopped renewing its lease" in run.error for run in runs)


def test_every_planner_write_is_fenced_by_the_lease():
    """A new write in the planner that forgets the lease would let a stale worker write."""
    writes = ("bulk_create(", ".update(", ".save(", ".create(", ".delete(")
    unfenced = [
        name
        for name, function in inspect.getmembers(planner, inspect.isfunction)
        if function.__module__ == planner.__name__
        and any(w in inspect.getsource(function) for w in writes)
        and not ("lease" in inspect.signature(function).parameters and "lease." in inspect.getsource(function))
    ]
    assert unfenced == []


def test_the_runs_page_lets_a_new_run_start_once_the_lease_lapsed(client, as_user, market):
    run = start(as_user(market.admin), market)
    client.force_login(market.admin)
    page_url = reverse("matching-runs", args=[market.cluster.slug])
    assert "disabled" in client.get(page_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    lapse_lease(run.pk)
    assert "disabled" not in client.get(page_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    response = client.post(page_url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert MatchingRun.objects.filter(kind="full", status="queued").exclude(pk=run.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_live_worker_keeps_renewing_its_lease_through_a_long_solve(market, monkeypatch, settings):
    """The lease is renewed from a thread while the solver runs: a solve three leases long is
    never taken for a dead worker's."""
    settings.MATCHING_RUN_LEASE_SECONDS = 1
    run = MatchingRunFactory(cluster=market.cluster, kind="full")  # queued; its message comes below
    real_solve = planner.solve
    seen = []

    def slow_solve(*args, **kwargs):
        for _ in range(3):
            time.sleep(settings.MATCHING_RUN_LEASE_SECONDS)
            seen.append(reap_lapsed_runs())  # beat's scan, meanwhile
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(planner, "solve", slow_solve)

    assert replan_cluster(run.pk) == "done"

    assert seen and all(scan == {"requeued": 0, "failed": 0} for scan in seen)
    run.refresh_from_db()
    assert (run.status, run.attempt, run.error) == ("succeeded", 1, "")


@pytest.mark.parametrize("how", ["retried by the task", "called again"])
def test_a_full_run_that_meets_a_transient_database_error_is_finished_by_the_retry(
    market, listings, monkeypatch, settings, how
):
    """``PlatformTask`` retries a task that met "database is locked": the run is handed back to
    the queue, so the retry claims it as its next attempt and finishes it (it used to find its
    run failed and do nothing)."""
    from django.db import OperationalError

    settings.MATCHING_RUN_MAX_ATTEMPTS = 2
    run = MatchingRunFactory(cluster=market.cluster, kind="full")
    real_solve, calls = planner.solve, []

    def locked_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(planner, "solve", locked_once)

    if how == "retried by the task":  # as a worker runs it: the task asks for its own retry, not dropped
        from celery.exceptions import Retry

        with pytest.raises(Retry):  # tests propagate what a worker would schedule
            replan_cluster.apply(args=[run.pk])
        run.refresh_from_db()
        assert run.status == "queued"
        assert replan_cluster.apply(args=[run.pk]).get() == "done"  # the retry's delivery
    else:  # called directly the error surfaces; the run waits for the next delivery
        with pytest.raises(OperationalError):
            replan_cluster(run.pk)
        run.refresh_from_db()
        assert run.status == "queued" and "database is locked" in run.error
        assert replan_cluster(run.pk) == "done"

    run.refresh_from_db()
    assert (run.status, run.attempt) == ("succeeded", 2) and len(calls) >= 2
    assert Match.objects.filter(cluster=market.cluster, status="proposed").exists()


def test_a_full_run_out_of_attempts_or_meeting_a_real_error_fails(market, listings, monkeypatch, settings):
    from django.db import OperationalError

    settings.MATCHING_RUN_MAX_ATTEMPTS = 1
    locked = MatchingRunFactory(cluster=market.cluster, kind="full")
    monkeypatch.setattr(planner, "solve", lambda *a, **k: (_ for _ in ()).throw(OperationalError("database is locked")))
    with pytest.raises(OperationalError):
        replan_cluster(locked.pk)
    locked.refresh_from_db()
    assert locked.status == "failed" and "database is locked" in locked.error

    settings.MATCHING_RUN_MAX_ATTEMPTS = 2
    broken = MatchingRunFactory(cluster=market.cluster, kind="full")
    monkeypatch.setattr(planner, "solve", lambda *a, **k: (_ for _ in ()).throw(ValueError("a bug")))
    with pytest.raises(ValueError):
        replan_cluster(broken.pk)
    broken.refresh_from_db()
    assert broken.status == "failed" and "a bug" in broken.error
    assert replan_cluster(broken.pk) == "skipped"  # a failed run stays failed
