"""Starting matching runs and handing on lapsed ones (the API and beat call these; the work
happens in tasks)."""

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from apps.core import outbox
from apps.core.errors import ConflictError
from apps.marketplace.models import MatchingRun
from apps.membership.permissions import require_cluster_administrator

from . import leases

#: runs handed on per beat scan (a scan every 30 s; the next one takes the rest)
REAP_BATCH = 100


@transaction.atomic
def matching_run_start(*, actor, cluster, trigger: str = "") -> MatchingRun:
    """An administrator asks for a full re-plan; one full run in progress at a time.

    A run in progress blocks only while its lease is live; a lapsed one is superseded by the
    new run. The refusal names the time the blocking run's lease ends (``retry_at``).
    """
    if actor is not None:
        require_cluster_administrator(user=actor, cluster=cluster)
    now = timezone.now()
    in_progress = list(
        MatchingRun.objects.select_for_update()
        .filter(cluster=cluster, kind=MatchingRun.Kind.FULL, status__in=leases.IN_PROGRESS)
        .order_by("pk")
    )
    live = [r for r in in_progress if r.lease_expires_at is not None and r.lease_expires_at > now]
    if live:
        busy = max(live, key=lambda r: r.lease_expires_at)
        if actor is None:  # the periodic re-plan does not pile up behind a slow run
            return busy
        raise ConflictError(
            _("A full matching run is already under way (run %(id)d). Its lease ends at %(time)s; try again then.")
            % {"id": busy.pk, "time": formats.date_format(timezone.localtime(busy.lease_expires_at), "Y-m-d H:i:s T")},
            code="run_in_progress",
            retry_at=busy.lease_expires_at,
        )
    run = MatchingRun.objects.create(
        cluster=cluster,
        kind=MatchingRun.Kind.FULL,
        requested_by=actor,
        trigger=trigger[:60],
        lease_expires_at=leases.lease_until(now),
    )
    for lapsed in in_progress:
        leases.supersede(lapsed, now, by=run)
    outbox.enqueue("matching.replan_cluster", run.pk)
    return run


def matching_runs_reap(*, limit: int = REAP_BATCH) -> dict[str, int]:
    """Beat: re-queue or fail the runs whose worker stopped renewing their lease."""
    now = timezone.now()
    done = {"requeued": 0, "failed": 0}
    with transaction.atomic():
        for run in (
            MatchingRun.objects.select_for_update(skip_locked=True)
            .filter(leases.lapsed_q(now), status=MatchingRun.Status.RUNNING)
            .order_by("pk")[:limit]
        ):
            outcome = leases.lapse(run, now)
            if outcome:
                done[outcome] += 1
    return done


def rules_enacted(*, sender, version, **_kwargs) -> None:
    """Receiver of governance's ``rulebook_enacted``: a change of the matching rules re-scores the
    open proposals and re-plans the cluster under them (in a task, once the enactment commits)."""
    if any(key.startswith("matching.") for key in version.changes or {}):
        outbox.enqueue("matching.rules_changed", version.cluster_id, version.number)
