"""Reports: the list (administrators: every report; members: those they filed), filing a report
about a member or one of its listings, and an administrator's resolution."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.forms import PageQuery, next_url, query_string
from apps.tenancy.pages import ADMINISTRATOR, GET_POST, MEMBER, POST, cluster_page, refused

from .. import selectors
from ..filters import ReportListFilter, ReportTargetForm
from ..forms import ReportForm, ResolveForm, add_service_error
from ..models import Report
from ..report_targets import listings
from ..services import reports as report_services
from .common import PAGE_SIZE
from .moderation import ADMINISTRATORS_ONLY

MEMBERS_ONLY = gettext_lazy("Only active members of this cluster can file reports.")


@cluster_page(
    ADMINISTRATOR, MEMBER, refusal=gettext_lazy("Reports are open to the cluster's members and administrators.")
)
def cluster_reports(request, slug):
    access = request.cluster_access
    cluster, is_admin = access.cluster, access.is_admin
    filters = ReportListFilter(
        request.GET, queryset=selectors.reports_for(cluster=cluster, user=request.user), is_admin=is_admin
    )
    page = PageQuery(request.GET).page_of(filters.qs, PAGE_SIZE)
    provider = listings()
    found = provider.summaries(
        cluster=cluster, refs=[(r.listing_kind, r.listing_id) for r in page.object_list if r.listing_kind]
    )
    for report in page.object_list:
        report.listing = _reported_listing(cluster, report, found)
        if is_admin and report.status == Report.Status.OPEN:
            report.resolve_form = ResolveForm(
                auto_id=f"id_report{report.pk}_%s",
                remove_listing=report.listing is not None and report.listing["removable"],
            )
    return render(
        request,
        "membership/cluster_reports.html",
        {
            "cluster": cluster,
            "is_admin": is_admin,
            "status": filters.tab("status"),
            "page": page,
            "paging_query": query_string(filters.form),
        },
    )


def _reported_listing(cluster, report, found: dict) -> dict | None:
    """What the reports page shows of the listing a report names: its title, status and page."""
    if not report.listing_kind:
        return None
    provider = listings()
    summary = found.get((report.listing_kind, report.listing_id))
    return {
        "noun": Report.ListingKind(report.listing_kind).label,
        "title": summary["title"] if summary else _("Listing %(id)s") % {"id": report.listing_id},
        "status": summary["status"] if summary else "",
        "status_label": provider.status_label(status=summary["status"]) if summary else "",
        "removable": bool(summary) and provider.removable(status=summary["status"]),
        "url": provider.url(cluster=cluster, kind=report.listing_kind, listing_id=report.listing_id) if summary else "",
    }


@cluster_page(ADMINISTRATOR, methods=POST, refusal=ADMINISTRATORS_ONLY)
def report_resolve(request, slug, report_id):
    cluster = request.cluster_access.cluster
    back = next_url(request, reverse("cluster-reports", args=[cluster.slug]))
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a resolution and give a reason."))
        return redirect(back)
    try:
        report_services.report_resolve(actor=request.user, cluster=cluster, report_id=report_id, **form.cleaned_data)
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("The report was resolved."))
    return redirect(back)


def _report_target(request, cluster):
    """The listing (with its kind) or the member that ``?listing=<kind>:<id>`` / ``?subject=<id>``
    names; a 404 when it names nothing the caller may report."""
    target = ReportTargetForm(request.GET)
    if not target.is_valid():  # ?subject=² or ?listing=order:x names nothing that exists
        raise Http404
    if target["listing"].data is not None:
        # ?listing=order:123 — a published listing of this cluster (drafts are their owners' alone)
        listing_kind, listing_id = target.cleaned_data["listing"] or (None, None)
        listing = listings().get(cluster=cluster, kind=listing_kind, listing_id=listing_id) if listing_kind else None
        if listing is None:
            raise Http404
        return listing.owner, listing, listing_kind
    subject_id = target.cleaned_data["subject"]
    subject = selectors.enterprise_get(enterprise_id=subject_id) if subject_id else None
    if subject is None:
        raise Http404
    return subject, None, None


@cluster_page(MEMBER, methods=GET_POST, refusal=MEMBERS_ONLY)
def report_create(request, slug):
    access = request.cluster_access
    cluster = access.cluster
    subject, listing, listing_kind = _report_target(request, cluster)
    reporters = [
        e for e in selectors.user_active_enterprises_in(user=request.user, cluster=cluster) if e.pk != subject.pk
    ]
    if not reporters:
        if not access.is_member:  # platform staff pass the page's check, but report for no enterprise
            raise PermissionDeniedError(MEMBERS_ONLY)
        if listing is not None:
            raise PermissionDeniedError(_("Your enterprise cannot report its own listing."))
        raise PermissionDeniedError(_("Your enterprise cannot report itself."))
    form = ReportForm(request.POST if request.method == "POST" else None, reporters=reporters)
    status, headers = 200, {}
    if form.is_bound and form.is_valid():
        target = {"listing_kind": listing_kind, "listing_id": listing.pk} if listing is not None else {}
        try:
            report_services.report_file(
                actor=request.user, cluster=cluster, subject=subject, **target, **form.cleaned_data
            )
        except report_services.ReportRateLimitedError as exc:
            messages.error(request, str(exc.message))
            status, headers = 429, {"Retry-After": str(exc.retry_after)}
        except (DomainError, ValidationError) as exc:
            add_service_error(form, exc)
            status = getattr(exc, "status", 400)
        else:
            if listing is not None:
                done = _("Your report about “%(listing)s” of %(enterprise)s was sent to the administrators.") % {
                    "listing": listing.title,
                    "enterprise": subject.name,
                }
            else:
                done = _("Your report about %(enterprise)s was sent to the administrators.") % {
                    "enterprise": subject.name
                }
            messages.success(request, done)
            return redirect("cluster-reports", cluster.slug)
    response = render(
        request,
        "membership/report_form.html",
        {
            "cluster": cluster,
            "subject": subject,
            "listing": listing,
            "listing_noun": Report.ListingKind(listing_kind).label if listing is not None else "",
            "listing_url": listings().url(cluster=cluster, kind=listing_kind, listing_id=listing.pk)
            if listing is not None
            else "",
            "form": form,
            "single_reporter": reporters[0] if len(reporters) == 1 else None,
        },
        status=400 if status == 200 and form.errors else status,
    )
    for name, value in headers.items():
        response[name] = value
    return response
