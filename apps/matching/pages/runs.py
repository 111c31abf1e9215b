"""The administrators' matching runs: every run of the cluster with its counts, and the button
that starts a full re-plan (one at a time; a refusal says until when)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.forms import PageQuery, query_string
from apps.marketplace.models import MatchingRun
from apps.marketplace.pages.common import MARKET_REFUSAL, PAGE_SIZE
from apps.tenancy.pages import ADMINISTRATOR, GET_POST, MEMBER, cluster_page, refused

from ..selectors import full_run_blocking, runs_of
from ..services import matching_run_start

RUN_TABS = {
    "all": gettext_lazy("All"),
    "full": gettext_lazy("Full re-plans"),
    "incremental": gettext_lazy("Incremental"),
}
#: what a run reports: the main counts first, then the solver's figures (under "details")
RUN_COUNT_LABELS = {
    "demands": gettext_lazy("Demands"),
    "supplies": gettext_lazy("Supplies"),
    "candidate_pairs": gettext_lazy("Candidate pairs"),
    "proposals_created": gettext_lazy("Proposals created"),
    "proposals_kept": gettext_lazy("Kept"),
    "proposals_withdrawn": gettext_lazy("Withdrawn"),
}
RUN_DETAIL_LABELS = {
    "method": gettext_lazy("Method"),
    "objective": gettext_lazy("Objective"),
    "bound": gettext_lazy("Bound"),
    "gap_percent": gettext_lazy("Gap (%)"),
    "greedy_objective": gettext_lazy("Greedy objective"),
    "solve_seconds": gettext_lazy("Solve time (s)"),
}
RUN_COUNT_GROUPS = {"production": gettext_lazy("Production"), "channel": gettext_lazy("Channels")}


def _run_counts(run: MatchingRun) -> list[dict]:
    """A run's counts as the page shows them: per group (production, channels), the main
    counts in a fixed order and the solver's figures apart."""
    groups: dict[str, dict] = {}
    for key, number in (run.counts or {}).items():
        prefix, _sep, rest = key.partition("_")
        group, name = (prefix, rest) if prefix in RUN_COUNT_GROUPS and rest else ("", key)
        groups.setdefault(group, {})[name] = number
    shown = []
    for group, counts in groups.items():
        main = [(label, counts[name]) for name, label in RUN_COUNT_LABELS.items() if name in counts]
        details = [
            (RUN_DETAIL_LABELS.get(name, name.replace("_", " ")), value)
            for name, value in counts.items()
            if name not in RUN_COUNT_LABELS
        ]
        shown.append({"label": RUN_COUNT_GROUPS.get(group, ""), "main": main, "details": details})
    return shown


def _seconds(run: MatchingRun) -> str:
    if run.started_at and run.finished_at:
        return f"{(run.finished_at - run.started_at).total_seconds():.1f}"
    return ""


@cluster_page(ADMINISTRATOR, MEMBER, methods=GET_POST, refusal=MARKET_REFUSAL)
def matching_runs(request, slug):
    access = request.cluster_access
    if not access.is_admin:  # members see the marketplace, not its runs
        raise PermissionDeniedError(_("Only the cluster's administrators can see and start matching runs."))
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
    for run in page.object_list:
        run.count_groups = _run_counts(run)
        run.seconds = _seconds(run)
    busy = full_run_blocking(cluster=access.cluster, now=timezone.now())
    return render(
        request,
        "matching/matching_runs.html",
        access.context(page=page, kind=kind, tabs=RUN_TABS.items(), busy=busy, paging_query=query_string(query)),
    )
