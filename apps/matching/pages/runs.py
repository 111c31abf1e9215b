"""The administrators' matching runs: every run of the cluster with its counts, and the button
that starts a full re-plan (one at a time; a refusal says until when). A run still queued or
running is followed live: static/js/matching_runs.js fetches its row again (``matching_run_row``)
every second or two until it is done."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.forms import PageQuery, query_string
from apps.marketplace.pages.common import MARKET_REFUSAL, PAGE_SIZE
from apps.tenancy.pages import ADMINISTRATOR, GET_POST, MEMBER, cluster_page, refused

from ..describe import describe
from ..selectors import full_run_blocking, run_of, runs_of
from ..services import matching_run_start

RUN_TABS = {
    "all": gettext_lazy("All"),
    "full": gettext_lazy("Full re-plans"),
    "incremental": gettext_lazy("Incremental"),
}


def _require_admin(access) -> None:
    if not access.is_admin:  # members see the marketplace, not its runs
        raise PermissionDeniedError(_("Only the cluster's administrators can see and start matching runs."))


@cluster_page(ADMINISTRATOR, MEMBER, methods=GET_POST, refusal=MARKET_REFUSAL)
def matching_runs(request, slug):
    access = request.cluster_access
    _require_admin(access)
    if request.method == "POST":
        try:
            run = matching_run_start(actor=request.user, cluster=access.cluster)
        except (DomainError, ValidationError) as exc:
            refused(request, exc)
        else:
            messages.success(request, _("A full re-plan was started (run %(id)d).") % {"id": run.pk})
        return redirect("matching-runs", access.cluster.slug)
    query = PageQuery(request.GET, kind=(RUN_TABS, "all"))
    kind = query.value("kind")
    runs = runs_of(cluster=access.cluster, kind=None if kind == "all" else kind).select_related("requested_by")
    page = query.page_of(runs, PAGE_SIZE)
    describe(page.object_list)
    busy = full_run_blocking(cluster=access.cluster, now=timezone.now())
    return render(
        request,
        "matching/matching_runs.html",
        access.context(page=page, kind=kind, tabs=RUN_TABS.items(), busy=busy, paging_query=query_string(query)),
    )


@cluster_page(ADMINISTRATOR, MEMBER, refusal=MARKET_REFUSAL)
def matching_run_row(request, slug, run_id):
    """One run's row, as the runs page shows it: what the page polls while the run is in progress."""
    access = request.cluster_access
    _require_admin(access)
    run = run_of(cluster=access.cluster, run_id=run_id)
    if run is None:
        raise Http404(_("No such matching run in this cluster."))
    describe([run])
    busy = full_run_blocking(cluster=access.cluster, now=timezone.now())
    response = render(request, "matching/includes/run_row.html", access.context(run=run, busy=busy))
    response["Cache-Control"] = "no-store"
    return response
