"""Members reporting members, and the administrators' resolution of reports."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, NotFoundError
from apps.notifications.services import notify_users
from apps.tenancy.rules import rule_value

from ..audit import audit_record
from ..models import EnterpriseMember, Membership, Report
from ..permissions import require_cluster_administrator, require_enterprise_role
from .memberships import _notify_administrators, membership_decide, membership_suspend_automatically

RESOLUTIONS = {"dismiss": Report.Status.DISMISSED, "warn": Report.Status.WARNED, "suspend": Report.Status.SUSPENDED}


def _membership(cluster, enterprise, statuses) -> Membership | None:
    return Membership.objects.filter(cluster=cluster, enterprise=enterprise, status__in=statuses).first()


@transaction.atomic
def report_file(*, actor, cluster, reporter, subject, category: str, text: str) -> Report:
    """An active member reports another member of the same cluster.

    When the subject then has N open reports here (N from the cluster's rules), it is
    suspended pending review.
    """
    require_enterprise_role(user=actor, enterprise=reporter, roles=tuple(EnterpriseMember.Role.values))
    if _membership(cluster, reporter, [Membership.Status.ACTIVE]) is None:
        raise DomainError(_("Only active members of this cluster can file reports."), field="reporter")
    if subject.pk == reporter.pk:
        raise DomainError(_("An enterprise cannot report itself."), field="subject")
    subject_membership = _membership(cluster, subject, [Membership.Status.ACTIVE, Membership.Status.SUSPENDED])
    if subject_membership is None:
        raise DomainError(_("This enterprise is not a member of the cluster."), field="subject")
    if category not in Report.Category.values:
        raise DomainError(_("Unknown category."), field="category")
    report = Report(
        cluster=cluster, reporter=reporter, reported_by_user=actor, subject=subject, category=category, text=text
    )
    report.full_clean()
    report.save()
    audit_record(
        cluster=cluster,
        actor=actor,
        action="report.file",
        enterprise=subject,
        report=report,
        reason=text[:500],
        after={"status": report.status, "category": category},
    )
    _notify_administrators(
        cluster,
        "report.filed",
        lambda: (_("New report against %(enterprise)s") % {"enterprise": subject.name}, report.get_category_display()),
    )

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
        raise DomainError(_("Choose dismiss, warn or suspend."), field="resolution")
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
    before = {"status": report.status}
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
        after={"status": report.status},
    )
    if resolution == "suspend":
        membership = _membership(cluster, report.subject, [Membership.Status.ACTIVE])
        if membership is not None:
            membership_decide(
                actor=actor, cluster=cluster, membership_id=membership.pk, action="suspend", reason=reason
            )
    elif resolution == "warn":
        owners = [
            p.user
            for p in EnterpriseMember.objects.filter(
                enterprise=report.subject, role__in=[EnterpriseMember.Role.OWNER, EnterpriseMember.Role.ADMIN]
            ).select_related("user")
        ]
        notify_users(
            users=owners,
            kind="report.warning",
            render=lambda: (
                _("Warning from the administrators of %(cluster)s") % {"cluster": cluster.name},
                reason,
            ),
            cluster=cluster,
        )
    return report
