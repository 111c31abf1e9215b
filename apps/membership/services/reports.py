"""Members reporting members and their listings, and the administrators' resolution of reports."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, NotFoundError
from apps.marketplace import selectors as marketplace_selectors
from apps.marketplace.services.listings import listing_remove_by_moderator
from apps.notifications.services import notify_users
from apps.tenancy.rules import rule_value

from ..audit import audit_record
from ..models import EnterpriseMember, Membership, Report
from ..permissions import require_cluster_administrator, require_enterprise_role
from .memberships import _notify_administrators, membership_decide, membership_suspend_automatically

RESOLUTIONS = {
    "dismiss": Report.Status.DISMISSED,
    "warn": Report.Status.WARNED,
    "suspend": Report.Status.SUSPENDED,
    "listing_removed": Report.Status.LISTING_REMOVED,
}


def _membership(cluster, enterprise, statuses) -> Membership | None:
    return Membership.objects.filter(cluster=cluster, enterprise=enterprise, status__in=statuses).first()


def _owners(enterprise) -> list:
    """The people who answer for an enterprise: its owner and administrators."""
    return [
        person.user
        for person in EnterpriseMember.objects.filter(
            enterprise=enterprise, role__in=[EnterpriseMember.Role.OWNER, EnterpriseMember.Role.ADMIN]
        ).select_related("user")
    ]


def _reported_listing(cluster, listing_kind: str | None, listing_id: int | None):
    """The listing a report names (None when it names none); it must be a listing of this cluster."""
    if listing_kind is None and listing_id is None:
        return None
    if not listing_kind or not listing_id:
        raise DomainError(_("Name the listing by its kind and its id."), field="listing")
    listing = marketplace_selectors.listing_get(cluster=cluster, kind=listing_kind, listing_id=listing_id)
    if listing is None:
        raise DomainError(_("There is no such listing in this cluster."), field="listing", code="not_found")
    return listing


@transaction.atomic
def report_file(
    *,
    actor,
    cluster,
    reporter,
    subject=None,
    category: str,
    text: str,
    listing_kind: str | None = None,
    listing_id: int | None = None,
) -> Report:
    """An active member reports another member of the same cluster, or one of its listings.

    A reported listing must be one of this cluster; its owner becomes the report's subject.
    When the subject then has N open reports here (N from the cluster's rules), it is
    suspended pending review.
    """
    require_enterprise_role(user=actor, enterprise=reporter, roles=tuple(EnterpriseMember.Role.values))
    if _membership(cluster, reporter, [Membership.Status.ACTIVE]) is None:
        raise DomainError(_("Only active members of this cluster can file reports."), field="reporter")
    listing = _reported_listing(cluster, listing_kind, listing_id)
    if listing is not None:
        if subject is not None and subject.pk != listing.owner_id:
            raise DomainError(_("The reported member must be the owner of the reported listing."), field="subject")
        subject = listing.owner
        if subject.pk == reporter.pk:
            raise DomainError(_("An enterprise cannot report its own listing."), field="listing")
    if subject is None:
        raise DomainError(_("Name the member or the listing you report."), field="subject", code="required")
    if subject.pk == reporter.pk:
        raise DomainError(_("An enterprise cannot report itself."), field="subject")
    subject_membership = _membership(cluster, subject, [Membership.Status.ACTIVE, Membership.Status.SUSPENDED])
    if subject_membership is None:
        raise DomainError(_("This enterprise is not a member of the cluster."), field="subject")
    if category not in Report.Category.values:
        raise DomainError(_("Unknown category."), field="category")
    report = Report(
        cluster=cluster,
        reporter=reporter,
        reported_by_user=actor,
        subject=subject,
        category=category,
        text=text,
        listing_kind=listing_kind if listing is not None else None,
        listing_id=listing.pk if listing is not None else None,
    )
    report.full_clean()
    report.save()
    after = {"status": report.status, "category": category}
    if listing is not None:
        after["listing"] = f"{report.listing_kind}:{report.listing_id}"
    audit_record(
        cluster=cluster,
        actor=actor,
        action="report.file",
        enterprise=subject,
        report=report,
        reason=text[:500],
        after=after,
    )

    def render():
        if listing is None:
            title = _("New report against %(enterprise)s") % {"enterprise": subject.name}
        else:
            title = _("New report against “%(listing)s” of %(enterprise)s") % {
                "listing": listing.title,
                "enterprise": subject.name,
            }
        return title, report.get_category_display()

    _notify_administrators(cluster, "report.filed", render)

    threshold = rule_value(cluster=cluster, key="moderation.open_reports_to_suspend")
    open_reports = Report.objects.filter(cluster=cluster, subject=subject, status=Report.Status.OPEN).count()
    if open_reports >= threshold:
        membership_suspend_automatically(
            membership=subject_membership,
            reason=_("Suspended pending review: %(count)d open reports (the cluster's limit is %(limit)d).")
            % {"count": open_reports, "limit": threshold},
        )
    return report


@transaction.atomic
def report_resolve(*, actor, cluster, report_id: int, resolution: str, reason: str) -> Report:
    require_cluster_administrator(user=actor, cluster=cluster)
    if resolution not in RESOLUTIONS:
        raise DomainError(_("Choose dismiss, warn, suspend or listing_removed."), field="resolution")
    if not reason.strip():
        raise DomainError(_("Give a reason for the resolution."), field="reason", code="required")
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("subject", "cluster")
        .filter(cluster=cluster, pk=report_id)
        .first()
    )
    if report is None:
        raise NotFoundError()
    if report.status != Report.Status.OPEN:
        raise ConflictError(
            _("This report is already resolved (%(status)s).") % {"status": report.get_status_display().lower()},
            code="illegal_transition",
        )
    before, after = {"status": report.status}, {}
    listing = None
    if resolution == "listing_removed":
        if report.listing_kind is None:
            raise DomainError(
                _("This report names no listing; there is no listing to remove."),
                field="resolution",
                code="no_listing",
            )
        listing = marketplace_selectors.listing_get(
            cluster=cluster, kind=report.listing_kind, listing_id=report.listing_id
        )
        if listing is None:
            raise ConflictError(_("The reported listing no longer exists."), field="resolution", code="no_listing")
        before["listing_status"] = listing.status
        listing = listing_remove_by_moderator(actor=actor, cluster=cluster, listing=listing)
        after = {"listing": f"{report.listing_kind}:{report.listing_id}", "listing_status": listing.status}
    report.status = RESOLUTIONS[resolution]
    report.resolution_reason = reason
    report.resolved_by = actor
    report.resolved_at = timezone.now()
    report.save(update_fields=["status", "resolution_reason", "resolved_by", "resolved_at"])
    audit_record(
        cluster=cluster,
        actor=actor,
        action=f"report.{resolution}",
        enterprise=report.subject,
        report=report,
        reason=reason,
        before=before,
        after={"status": report.status, **after},
    )
    if resolution == "suspend":
        membership = _membership(cluster, report.subject, [Membership.Status.ACTIVE])
        if membership is not None:
            membership_decide(
                actor=actor, cluster=cluster, membership_id=membership.pk, action="suspend", reason=reason
            )
    elif resolution == "warn":
        notify_users(
            users=_owners(report.subject),
            kind="report.warning",
            render=lambda: (
                _("Warning from the administrators of %(cluster)s") % {"cluster": cluster.name},
                reason,
            ),
            cluster=cluster,
        )
    elif resolution == "listing_removed":
        notify_users(
            users=_owners(report.subject),
            kind="report.listing_removed",
            render=lambda: (
                _("The administrators of %(cluster)s removed your listing “%(listing)s”")
                % {"cluster": cluster.name, "listing": listing.title},
                reason,
            ),
            link=reverse("listing-detail", args=[cluster.slug, report.listing_kind, report.listing_id]),
            cluster=cluster,
        )
    return report
