"""Reads about matching runs."""

import datetime

from apps.marketplace.models import MatchingRun

from . import leases


def full_run_blocking(*, cluster, now: datetime.datetime) -> MatchingRun | None:
    """The full run that keeps a new one from starting: queued or running under a live lease.

    A run whose lease lapsed (its worker died, or no worker claimed it in time) does not block.
    """
    return (
        MatchingRun.objects.filter(leases.live_q(now), cluster=cluster, kind=MatchingRun.Kind.FULL)
        .order_by("-lease_expires_at", "-pk")
        .first()
    )


def runs_of(*, cluster, kind: str | None = None):
    """The cluster's matching runs, newest first (only those of ``kind``, when given)."""
    runs = MatchingRun.objects.filter(cluster=cluster)
    if kind is not None:
        runs = runs.filter(kind=kind)
    return runs.order_by("-created_at", "-pk")


def run_of(*, cluster, run_id: int) -> MatchingRun | None:
    """One run of ``cluster`` (None if it is another cluster's or does not exist)."""
    return MatchingRun.objects.filter(cluster=cluster, pk=run_id).select_related("requested_by").first()
