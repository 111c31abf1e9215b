"""On-site visits: the list (with the scheduling form for administrators and auditors) and a visit's record form."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError
from apps.core.forms import PageQuery
from apps.membership.forms import add_service_error
from apps.tenancy.pages import ADMINISTRATOR, GET_POST, MEMBER, cluster_page

from .. import lifecycle, selectors
from ..filters import VisitFilter
from ..forms import VisitRecordForm, VisitScheduleForm
from ..lifecycle import CHECKLIST
from ..roles import AUDITOR
from ..services import verification as services

REFUSAL = gettext_lazy("On-site visits are open to the cluster's members, auditors and administrators.")


@cluster_page(ADMINISTRATOR, AUDITOR, MEMBER, methods=GET_POST, refusal=REFUSAL)
def visit_list(request, slug):
    access = request.cluster_access
    verifier = access.holds(ADMINISTRATOR, AUDITOR)
    form = None
    if verifier:
        form = VisitScheduleForm(request.POST or None, enterprises=selectors.member_enterprises(cluster=access.cluster))
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            visit = services.visit_schedule(
                actor=request.user,
                cluster=access.cluster,
                enterprise_id=form.cleaned_data["enterprise"].pk,
                scheduled_for=form.cleaned_data["scheduled_for"],
            )
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The visit is scheduled."))
            return redirect("park-visit", access.cluster.slug, visit.pk)
    filters = VisitFilter(
        request.GET, queryset=selectors.visits(cluster=access.cluster, user=request.user, roles=access.roles)
    )
    page = PageQuery(request.GET).page_of(filters.qs, 50)
    return render(
        request,
        "parks/visit_list.html",
        access.context(filter_form=filters.form, page=page, form=form),
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@cluster_page(ADMINISTRATOR, AUDITOR, MEMBER, methods=GET_POST, refusal=REFUSAL)
def visit_detail(request, slug, pk):
    access = request.cluster_access
    visit = selectors.visits(cluster=access.cluster, user=request.user, roles=access.roles).filter(pk=pk).first()
    if visit is None:
        raise Http404
    form = None
    if access.holds(ADMINISTRATOR, AUDITOR) and lifecycle.can_record(visit):
        form = VisitRecordForm(request.POST or None)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.visit_record(
                actor=request.user,
                cluster=access.cluster,
                visit_id=visit.pk,
                findings=form.findings(),
                photos=form.photos(),
                level=form.cleaned_data["level"],
                expires_at=form.cleaned_data["expires_at"],
            )
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The findings are recorded."))
            return redirect("park-visit", access.cluster.slug, visit.pk)
    findings = [
        {"label": label, **(visit.findings or {}).get(item, {"ok": None, "note": ""})}
        for item, label in CHECKLIST.items()
    ]
    return render(
        request,
        "parks/visit_detail.html",
        access.context(visit=visit, findings=findings, form=form, level_in_force=visit.level_in_force()),
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )
