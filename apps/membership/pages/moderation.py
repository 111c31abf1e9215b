"""Moderation, for the cluster's administrators: the queue of memberships, decisions one at a
time or in bulk, proposed suspensions, and a member's history."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError
from apps.core.forms import PageQuery, next_url, query_string
from apps.tenancy.pages import ADMINISTRATOR, POST, cluster_page, refused

from .. import lifecycle, selectors
from ..filters import QUEUE_TABS, ModerationQueueFilter
from ..forms import BulkApproveForm, DecisionForm, SuspensionDecisionForm
from ..models import Membership, Report
from ..services import memberships as membership_services
from ..services import reports as report_services
from .common import PAGE_SIZE

#: the services' own refusal, declared on the pages that only call them
ADMINISTRATORS_ONLY = gettext_lazy("Only the cluster's administrators may do this.")

DECISIONS = {
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Reject"),
    "suspend": gettext_lazy("Suspend"),
    "reinstate": gettext_lazy("Reinstate"),
    "expel": gettext_lazy("Expel"),
}
DECISIONS_DONE = {
    "approve": gettext_lazy("%(enterprise)s is now a member."),
    "reject": gettext_lazy("The application of %(enterprise)s was rejected."),
    "suspend": gettext_lazy("%(enterprise)s is suspended."),
    "reinstate": gettext_lazy("%(enterprise)s is reinstated."),
    "expel": gettext_lazy("%(enterprise)s was expelled."),
}
SUSPENSION_DECISIONS_DONE = {
    "confirm": gettext_lazy("%(enterprise)s is suspended."),
    "dismiss": gettext_lazy("The proposed suspension of %(enterprise)s was dismissed."),
}
AUDIT_ACTIONS = {
    "membership.apply": gettext_lazy("Applied to join"),
    "membership.approve": gettext_lazy("Approved"),
    "membership.reject": gettext_lazy("Rejected"),
    "membership.suspend": gettext_lazy("Suspended"),
    "membership.suspend.automatic": gettext_lazy("Suspended automatically"),
    "membership.reinstate": gettext_lazy("Reinstated"),
    "membership.expel": gettext_lazy("Expelled"),
    "membership.leave": gettext_lazy("Left the cluster"),
    "membership.suspension_proposed": gettext_lazy("Suspension proposed by reports"),
    "membership.suspension_confirmed": gettext_lazy("Proposed suspension confirmed"),
    "membership.suspension_dismissed": gettext_lazy("Proposed suspension dismissed"),
    "enterprise.verification_withdrawn": gettext_lazy("Verification withdrawn: identity changed"),
    "report.file": gettext_lazy("Report filed"),
    "report.dismiss": gettext_lazy("Report dismissed"),
    "report.warn": gettext_lazy("Warning issued"),
    "report.suspend": gettext_lazy("Report upheld: suspension"),
    "report.listing_removed": gettext_lazy("Report upheld: listing removed"),
}
STATUS_LABELS = {**dict(Report.Status.choices), **dict(Membership.Status.choices)}


def _decision_buttons(membership) -> list[dict]:
    return [
        {"action": action, "label": DECISIONS[action], "reason_required": spec.reason_required}
        for action, spec in lifecycle.TRANSITIONS.items()
        if action in DECISIONS and lifecycle.allowed(action, membership.status)
    ]


@cluster_page(ADMINISTRATOR, refusal=gettext_lazy("Only the cluster's administrators can moderate its members."))
def moderation_queue(request, slug):
    cluster = request.cluster_access.cluster
    filters = ModerationQueueFilter(request.GET, queryset=selectors.memberships_for(cluster=cluster, user=request.user))
    status, query = filters.tab("status"), filters.form.cleaned_data.get("q") or ""
    page = PageQuery(request.GET).page_of(filters.qs, PAGE_SIZE)
    for membership in page.object_list:
        membership.decisions = _decision_buttons(membership)
    return render(
        request,
        "membership/moderation_queue.html",
        {
            "cluster": cluster,
            "proposed_suspensions": selectors.suspension_proposals_pending(cluster=cluster)[:50],
            "page": page,
            "status": status,
            "tabs": QUEUE_TABS.items(),
            "query": query,
            "query_errors": filters.form["q"].errors,
            "paging_query": query_string(filters.form),
            "has_pending": any(m.status == Membership.Status.PENDING for m in page.object_list),
        },
    )


@cluster_page(ADMINISTRATOR, methods=POST, refusal=ADMINISTRATORS_ONLY)
def membership_decide(request, slug, membership_id):
    cluster = request.cluster_access.cluster
    back = next_url(request, reverse("moderation-queue", args=[cluster.slug]))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect(back)
    action = form.cleaned_data["action"]
    try:
        membership = membership_services.membership_decide(
            actor=request.user,
            cluster=cluster,
            membership_id=membership_id,
            action=action,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(request, DECISIONS_DONE[action] % {"enterprise": membership.enterprise.name})
    return redirect(back)


@cluster_page(ADMINISTRATOR, methods=POST, refusal=ADMINISTRATORS_ONLY)
def suspension_decide(request, slug, membership_id):
    """Confirm or dismiss the suspension that reports propose for one member."""
    cluster = request.cluster_access.cluster
    back = next_url(request, reverse("moderation-queue", args=[cluster.slug]))
    form = SuspensionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect(back)
    decision = form.cleaned_data["decision"]
    service = report_services.suspension_confirm if decision == "confirm" else report_services.suspension_dismiss
    try:
        membership = service(
            actor=request.user, cluster=cluster, membership_id=membership_id, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        refused(request, exc)
    else:
        enterprise = selectors.enterprise_get(enterprise_id=membership.enterprise_id)
        messages.success(request, SUSPENSION_DECISIONS_DONE[decision] % {"enterprise": enterprise.name})
    return redirect(back)


@cluster_page(ADMINISTRATOR, methods=POST, refusal=ADMINISTRATORS_ONLY)
def memberships_bulk_approve(request, slug):
    cluster = request.cluster_access.cluster
    back = next_url(request, reverse("moderation-queue", args=[cluster.slug]))
    form = BulkApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        approved = membership_services.memberships_bulk_approve(
            actor=request.user,
            cluster=cluster,
            membership_ids=form.cleaned_data["memberships"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("%(count)d applications were approved.") % {"count": len(approved)})
    return redirect(back)


@cluster_page(ADMINISTRATOR, refusal=gettext_lazy("Only the cluster's administrators can read a member's history."))
def member_history(request, slug, membership_id):
    cluster = request.cluster_access.cluster
    membership = selectors.membership_get_for(cluster=cluster, user=request.user, membership_id=membership_id)
    if membership is None:
        raise Http404
    membership.decisions = _decision_buttons(membership)
    enterprise = selectors.enterprise_get(enterprise_id=membership.enterprise_id)
    page = PageQuery(request.GET).page_of(selectors.audit_events(cluster=cluster, enterprise_id=enterprise.pk), 50)
    for event in page.object_list:
        event.label = AUDIT_ACTIONS.get(event.action, event.action)
        before, after = event.before.get("status"), event.after.get("status")
        event.before_label = STATUS_LABELS.get(before, before) if before else ""
        event.after_label = STATUS_LABELS.get(after, after) if after else ""
    return render(
        request,
        "membership/member_history.html",
        {
            "cluster": cluster,
            "membership": membership,
            "enterprise": enterprise,
            "page": page,
            "reports": selectors.reports_for(cluster=cluster, user=request.user, subject=enterprise),
        },
    )
