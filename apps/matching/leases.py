"""Leases on matching runs: a dead worker's run is taken over within minutes, not an hour.

A worker claims a run by raising its ``attempt`` (in one locked read and write); that number is
the worker's fencing token. While it works it renews ``lease_expires_at`` from a thread (the
solver can hold the GIL for a while, so the lease is several renewals long) and at every phase
of the planner. Every write of a run, and of the proposals it makes, first checks in the same
transaction that the run is still running under that token (``Lease.fence``): a worker whose
lease lapsed and whose run was re-queued, taken over or failed meanwhile raises ``LeaseLost``
and writes nothing, even if it wakes up later.

A run whose lease lapsed is handed on by ``lapse``: a full re-plan is re-queued while it has
attempts left (``MATCHING_RUN_MAX_ATTEMPTS``), anything else fails with the reason. Beat calls
it for every lapsed run (``matching_runs_reap``), and the start of a new full run supersedes a
lapsed one instead of waiting for it.
"""

import datetime
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone

from apps.core import outbox
from apps.marketplace.models import MatchingRun

logger = logging.getLogger(__name__)

IN_PROGRESS = (MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING)


class LeaseLost(Exception):
    """The run is no longer this worker's: another attempt holds it, or it was failed."""


def lease_seconds() -> int:
    return max(1, settings.MATCHING_RUN_LEASE_SECONDS)


def lease_until(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(seconds=lease_seconds())


def lapsed_q(now: datetime.datetime) -> Q:
    """Runs in progress whose lease (or claim deadline) has passed; rows from before leases count."""
    return Q(status__in=IN_PROGRESS) & (Q(lease_expires_at__lte=now) | Q(lease_expires_at__isnull=True))


def live_q(now: datetime.datetime) -> Q:
    return Q(status__in=IN_PROGRESS, lease_expires_at__gt=now)


@dataclass(frozen=True)
class Lease:
    run_id: int
    attempt: int

    def _held(self):
        return MatchingRun.objects.filter(pk=self.run_id, attempt=self.attempt, status=MatchingRun.Status.RUNNING)

    def fence(self) -> None:
        """Inside a write's transaction: lock the run row; refuse unless this lease still holds it.

        The lock keeps a take-over (which updates the same row) out until the write has committed.
        """
        if not list(self._held().select_for_update().values_list("pk", flat=True)):
            raise LeaseLost(f"run {self.run_id}: attempt {self.attempt} no longer holds the lease")

    def renew(self) -> bool:
        """Extend the lease; False once the run is no longer this attempt's."""
        return self._held().update(lease_expires_at=lease_until(timezone.now())) == 1

    def update(self, **fields) -> None:
        """A fenced write of the run row, which also renews the lease."""
        fields.setdefault("lease_expires_at", lease_until(timezone.now()))
        if self._held().update(**fields) != 1:
            raise LeaseLost(f"run {self.run_id}: attempt {self.attempt} no longer holds the lease")

    def succeed(self, **fields) -> None:
        self.update(
            status=MatchingRun.Status.SUCCEEDED,
            progress=100,
            finished_at=timezone.now(),
            lease_expires_at=None,
            **fields,
        )

    def fail(self, exc: BaseException) -> bool:
        """Record the error, unless the run has meanwhile passed to another attempt."""
        return (
            self._held().update(
                status=MatchingRun.Status.FAILED,
                error=f"{type(exc).__name__}: {exc}"[:2000],
                finished_at=timezone.now(),
                lease_expires_at=None,
            )
            == 1
        )

    def hand_back(self, exc: BaseException) -> bool:
        """A transient database error stopped this attempt: queue the run again for the task's retry
        (which claims it as its next attempt), unless the run has meanwhile passed to another attempt."""
        return (
            self._held().update(
                status=MatchingRun.Status.QUEUED,
                error=f"Attempt {self.attempt} met {type(exc).__name__}: {exc}"[:2000],
                lease_expires_at=lease_until(timezone.now()),
            )
            == 1
        )


def claim(run_id: int) -> Lease | None:
    """Take the run for this worker: a queued run, or a running one whose lease lapsed.

    None when there is nothing to do: the run is gone, finished, held by a live lease, or it
    has used its attempts (then it is failed here).
    """
    now = timezone.now()
    with transaction.atomic():
        run = MatchingRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status not in IN_PROGRESS:
            return None
        if run.status == MatchingRun.Status.RUNNING:
            if run.lease_expires_at is not None and run.lease_expires_at > now:
                return None  # another worker holds it (a duplicate or redelivered message)
            if run.attempt >= settings.MATCHING_RUN_MAX_ATTEMPTS:
                _fail_lapsed(run, now)
                return None
        run.attempt += 1
        run.status = MatchingRun.Status.RUNNING
        run.lease_expires_at = lease_until(now)
        run.started_at = now
        run.save(update_fields=["attempt", "status", "lease_expires_at", "started_at"])
    return Lease(run_id=run.pk, attempt=run.attempt)


def start_held(**fields) -> tuple[MatchingRun, Lease]:
    """Create a run that this worker holds from the start (incremental runs)."""
    now = timezone.now()
    run = MatchingRun.objects.create(
        status=MatchingRun.Status.RUNNING, attempt=1, lease_expires_at=lease_until(now), started_at=now, **fields
    )
    return run, Lease(run_id=run.pk, attempt=1)


def _fail_lapsed(run: MatchingRun, now: datetime.datetime, reason: str | None = None) -> None:
    run.status = MatchingRun.Status.FAILED
    run.error = reason or (
        f"The worker stopped renewing its lease (attempt {run.attempt} of {settings.MATCHING_RUN_MAX_ATTEMPTS})."
    )
    run.finished_at = now
    run.lease_expires_at = None
    run.save(update_fields=["status", "error", "finished_at", "lease_expires_at"])


def lapse(run: MatchingRun, now: datetime.datetime) -> str:
    """Hand on a locked run whose lease lapsed: re-queue a full run with attempts left, else fail it.

    A queued run that no worker claimed in time stays queued (its message may still come); it
    only stops blocking a new run. Returns what was done: "requeued", "failed" or "".
    """
    if run.status != MatchingRun.Status.RUNNING:
        return ""
    if run.kind == MatchingRun.Kind.FULL and run.attempt < settings.MATCHING_RUN_MAX_ATTEMPTS:
        run.status = MatchingRun.Status.QUEUED
        run.lease_expires_at = lease_until(now)
        run.error = f"The worker stopped renewing its lease (attempt {run.attempt}); the run was queued again."
        run.save(update_fields=["status", "lease_expires_at", "error"])
        outbox.enqueue("matching.replan_cluster", run.pk)
        return "requeued"
    # An incremental run's task is redelivered by the broker and starts a fresh run.
    _fail_lapsed(run, now)
    return "failed"


def supersede(run: MatchingRun, now: datetime.datetime, *, by: MatchingRun) -> None:
    """A locked, lapsed full run gives way to a new one that does the same work."""
    _fail_lapsed(run, now, reason=f"Superseded by run {by.pk}: its lease had lapsed.")


@contextmanager
def kept_alive(lease: Lease):
    """Renew ``lease`` from a thread while the body runs (the body's writes renew it too)."""
    interval = lease_seconds() / 6
    stop = threading.Event()

    def renew_until_stopped():
        try:
            while not stop.wait(interval):
                try:
                    if not lease.renew():
                        logger.warning("matching run %s: attempt %s lost its lease", lease.run_id, lease.attempt)
                        return
                except Exception:  # the next renewal retries on a fresh connection, or the lease lapses
                    logger.exception("matching run %s: renewing the lease failed", lease.run_id)
                    connections.close_all()
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=renew_until_stopped, name=f"matching-lease-{lease.run_id}", daemon=True)
    thread.start()
    try:
        yield lease
    finally:
        stop.set()
        thread.join(timeout=max(interval, 1))
