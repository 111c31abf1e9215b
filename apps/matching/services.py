"""Starting matching runs (the API and beat call these; the work happens in tasks)."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core import outbox
from apps.core.errors import ConflictError
from apps.marketplace.models import MatchingRun
from apps.membership.permissions import require_cluster_administrator


@transaction.atomic
def matching_run_start(*, actor, cluster) -> MatchingRun:
    """An administrator asks for a full re-plan; one queued or running full run at a time."""
    if actor is not None:
        require_cluster_administrator(user=actor, cluster=cluster)
    busy = MatchingRun.objects.filter(
        cluster=cluster, kind=MatchingRun.Kind.FULL, status__in=[MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING]
    ).first()
    if busy is not None:
        if actor is None:  # the periodic re-plan does not pile up behind a slow run
            return busy
        raise ConflictError(_("A full matching run is already under way (run %(id)d).") % {"id": busy.pk})
    run = MatchingRun.objects.create(cluster=cluster, kind=MatchingRun.Kind.FULL, requested_by=actor)
    from .tasks import replan_cluster

    outbox.enqueue(replan_cluster, run.pk)
    return run
