"""Members reporting members and their listings, and the administrators' resolution of reports.

Reports are weighed by enterprise, not by count: one open report per reporting enterprise and
target (a member, or one of its listings; a second is refused with 409), and the rulebook's
threshold ``moderation.open_reports_to_suspend`` counts *distinct reporting enterprises*. Reaching
it proposes a suspension that an administrator confirms or dismisses
(``suspension_confirm`` / ``suspension_dismiss``), unless the rule
``moderation.auto_suspend_without_review`` suspends at once. Each person, and each reporting
enterprise, files at most ``moderation.reports_per_day`` reports in the cluster in 24 hours.
"""

import datetime
import math

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, NotFoundError
from apps.notifications.messages import name_of
from apps.notifications.services import notify_users
from apps.tenancy.rules import rule_value

from ..audit import audit_record
from ..models import REPORT_REASON_MIN_LENGTH, EnterpriseMember, Membership, Report, SuspensionProposal
from ..permissions import require_cluster_administrator, require_enterprise_role
from ..report_targets import listings
from .memberships import _notify_administrators, membership_decide, membership_suspend_automatically

RATE_WINDOW = datetime.timedelta(hours=24)


class ReportRateLimitedError(DomainError):
    """Too many reports in the window; ``retry_after`` is the number of seconds until the next is accepted."""

    status = 429
    code = "throttled"

    def __init__(self, message, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


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
    listing = listings().get(cluster=cluster, kind=listing_kind, listing_id=listing_id)
    if listing is None:
        raise DomainError(_("There is no such listing in this cluster."), field="listing", code="not_found")
    return listing


def check_report_reason(reason: str) -> str:
    """The reason without surrounding spaces; refused when blank or shorter than the minimum."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say what happened: a report needs a reason."), field="reason", code="required")
    if len(reason) < REPORT_REASON_MIN_LENGTH:
        raise DomainError(
            _("Give at least %(count)d characters: facts the administrators can check.")
            % {"count": REPORT_REASON_MIN_LENGTH},
            field="reason",
            code="min_length",
        )
    return reason


def _check_rate(*, cluster, reporter, actor, now) -> None:
    """At most ``moderation.reports_per_day`` reports per person and per reporting enterprise in 24 hours."""
    limit = rule_value(cluster=cluster, key="moderation.reports_per_day")
    recent = Report.objects.filter(cluster=cluster, created_at__gt=now - RATE_WINDOW)
    waits = []
    for filed in (recent.filter(reporter=reporter), recent.filter(reported_by_user=actor)):
        times = sorted(filed.values_list("created_at", flat=True))
        if len(times) >= limit:
            # the next report is accepted once enough of these have left the window
            waits.append(times[len(times) - limit] + RATE_WINDOW - now)
    if waits:
        raise ReportRateLimitedError(
            _("You have filed %(limit)d reports in the last 24 hours, the cluster's limit. Try again later.")
            % {"limit": limit},
            retry_after=max(1, math.ceil(max(waits).total_seconds())),
        )


def _open_report_of(*, cluster, reporter, subject, listing_kind, listing) -> Report | None:
    """The reporter's open report about this target: the member itself, or this listing of it."""
    reports = Report.objects.filter(cluster=cluster, reporter=reporter, subject=subject, status=Report.Status.OPEN)
    if listing is None:
        return reports.filter(listing_kind__isnull=True).first()
    return reports.filter(listing_kind=listing_kind, listing_id=listing.pk).first()


def _duplicate_refused(existing_pk: int, listing) -> ConflictError:
    if listing is not None:
        message = _(
            "Your enterprise already has an open report about this listing (report %(id)d); "
            "the administrators will review it."
        )
    else:
        message = _(
            "Your enterprise already has an open report about this member (report %(id)d); "
            "the administrators will review it."
        )
    return ConflictError(
        message % {"id": existing_pk}, field="listing" if listing is not None else "subject", code="duplicate_report"
    )


@transaction.atomic
def report_file(
    *,
    actor,
    cluster,
    reporter,
    subject=None,
    category: str,
    reason: str,
    listing_kind: str | None = None,
    listing_id: int | None = None,
) -> Report:
    """An active member reports another member of the same cluster, or one of its listings.

    A reported listing must be one of this cluster; its owner becomes the report's subject.
    One open report per reporting enterprise and target; ``moderation.reports_per_day`` per
    person and per enterprise. Reaching the threshold of distinct reporting enterprises
    proposes the subject's suspension (see ``review_reports``).
    """
    require_enterprise_role(user=actor, enterprise=reporter, roles=tuple(EnterpriseMember.Role.values))
    reporter_membership = _membership(cluster, reporter, [Membership.Status.ACTIVE])
    if reporter_membership is None:
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
    reason = check_report_reason(reason)
    # Both memberships locked in one order: the reporter's reports are counted, the subject's weighed, one at a time.
    list(
        Membership.objects.select_for_update(of=("self",))
        .filter(pk__in=[reporter_membership.pk, subject_membership.pk])
        .order_by("pk")
    )
    duplicate = _open_report_of(
        cluster=cluster, reporter=reporter, subject=subject, listing_kind=listing_kind, listing=listing
    )
    if duplicate is not None:
        raise _duplicate_refused(duplicate.pk, listing)
    _check_rate(cluster=cluster, reporter=reporter, actor=actor, now=timezone.now())
    report = Report(
        cluster=cluster,
        reporter=reporter,
        reported_by_user=actor,
        subject=subject,
        category=category,
        text=reason,
        listing_kind=listing_kind if listing is not None else None,
        listing_id=listing.pk if listing is not None else None,
    )
    try:
        with transaction.atomic():
            report.full_clean()
            report.save()
    except (IntegrityError, ValidationError):
        duplicate = _open_report_of(
            cluster=cluster, reporter=reporter, subject=subject, listing_kind=listing_kind, listing=listing
        )
        if duplicate is None:
            raise
        raise _duplicate_refused(duplicate.pk, listing) from None
    after = {"status": report.status, "category": category}
    if listing is not None:
        after["listing"] = f"{report.listing_kind}:{report.listing_id}"
    audit_record(
        cluster=cluster,
        actor=actor,
        action="report.file",
        enterprise=subject,
        report=report,
        reason=reason[:500],
        after=after,
    )
    params = {
        "enterprise": name_of(subject),
        "enterprise_id": subject.pk,
        "cluster": name_of(cluster),
        "listing": listing.title if listing is not None else "",
        "category": category,
        "report": report.pk,
    }
    _notify_administrators(cluster, "report.filed", params)
    # the enterprise reported is told (never by whom): it may answer the administrators
    notify_users(users=_owners(subject), kind="report.about_you", params=params, cluster=cluster)
    review_reports(cluster=cluster, membership=subject_membership)
    return report


def reporting_enterprises(*, cluster, membership: Membership) -> int:
    """Distinct enterprises with an open report against the member filed since the last decided proposal."""
    reports = Report.objects.filter(cluster=cluster, subject_id=membership.enterprise_id, status=Report.Status.OPEN)
    last_decision = SuspensionProposal.objects.filter(
        cluster=cluster, membership=membership, decided_at__isnull=False
    ).aggregate(at=Max("decided_at"))["at"]
    if last_decision is not None:
        reports = reports.filter(created_at__gt=last_decision)
    return reports.order_by().values("reporter_id").distinct().count()


def review_reports(*, cluster, membership: Membership) -> SuspensionProposal | None:
    """The automatic measure: enough distinct reporting enterprises propose (or, by rule, make) a suspension."""
    membership = Membership.objects.select_related("enterprise", "cluster").get(pk=membership.pk)
    if membership.status != Membership.Status.ACTIVE:
        return None
    threshold = rule_value(cluster=cluster, key="moderation.open_reports_to_suspend")
    reporters = reporting_enterprises(cluster=cluster, membership=membership)
    if reporters < threshold:
        return None
    params = {"count": reporters, "limit": threshold}
    if rule_value(cluster=cluster, key="moderation.auto_suspend_without_review"):
        membership_suspend_automatically(membership=membership, code="reported_suspended", params=params)
        return None
    if SuspensionProposal.objects.filter(membership=membership, status=SuspensionProposal.Status.PROPOSED).exists():
        return None
    why = {"reason_code": "reported_review", "reason_params": params}
    proposal = SuspensionProposal.objects.create(cluster=cluster, membership=membership, reporters=reporters, **why)
    audit_record(
        cluster=cluster,
        actor=None,
        action="membership.suspension_proposed",
        enterprise=membership.enterprise,
        membership=membership,
        **why,
        before={"status": membership.status},
        after={"status": membership.status, "proposal": proposal.status, "reporters": reporters},
    )
    _notify_administrators(
        cluster,
        "report.suspension_proposed",
        {"enterprise": name_of(membership.enterprise), "enterprise_id": membership.enterprise_id, "count": reporters},
    )
    return proposal


def _pending_proposal(cluster, membership_id: int) -> SuspensionProposal:
    membership = Membership.objects.filter(cluster=cluster, pk=membership_id).first()
    if membership is None:
        raise NotFoundError()
    proposal = (
        SuspensionProposal.objects.select_for_update(of=("self",))
        .select_related("membership__enterprise", "membership__cluster")
        .filter(cluster=cluster, membership=membership, status=SuspensionProposal.Status.PROPOSED)
        .first()
    )
    if proposal is None:
        raise ConflictError(_("No suspension is proposed for this member."), code="no_proposal")
    return proposal


def _decide_proposal(*, actor, proposal: SuspensionProposal, status: str, reason: str) -> SuspensionProposal:
    proposal.status = status
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    membership = proposal.membership
    membership.refresh_from_db(fields=["status"])
    audit_record(
        cluster=proposal.cluster,
        actor=actor,
        action=f"membership.suspension_{status}",
        enterprise=membership.enterprise,
        membership=membership,
        reason=reason,
        before={"proposal": SuspensionProposal.Status.PROPOSED},
        after={"proposal": status, "status": membership.status},
    )
    return proposal


@transaction.atomic
def suspension_confirm(*, actor, cluster, membership_id: int, reason: str = "") -> Membership:
    """An administrator upholds a proposed suspension: the member is suspended (and its owners notified)."""
    require_cluster_administrator(user=actor, cluster=cluster)
    proposal = _pending_proposal(cluster, membership_id)
    reason = reason.strip() or proposal.reason
    # no reason of their own: the administrator upholds the proposal's (the platform's, rendered when read)
    why = {} if reason else {"code": proposal.reason_code, "params": proposal.reason_params}
    if proposal.membership.status != Membership.Status.SUSPENDED:  # already suspended otherwise: confirm only
        membership_decide(
            actor=actor, cluster=cluster, membership_id=membership_id, action="suspend", reason=reason, **why
        )
    _decide_proposal(actor=actor, proposal=proposal, status=SuspensionProposal.Status.CONFIRMED, reason=reason)
    return Membership.objects.get(pk=membership_id)


@transaction.atomic
def suspension_dismiss(*, actor, cluster, membership_id: int, reason: str) -> Membership:
    """An administrator rejects a proposed suspension: the member stays; earlier reports stop counting towards one."""
    require_cluster_administrator(user=actor, cluster=cluster)
    if not reason.strip():
        raise DomainError(_("Give a reason for dismissing the proposal."), field="reason", code="required")
    proposal = _pending_proposal(cluster, membership_id)
    _decide_proposal(actor=actor, proposal=proposal, status=SuspensionProposal.Status.DISMISSED, reason=reason)
    enterprise = proposal.membership.enterprise
    _notify_administrators(
        cluster,
        "report.suspension_dismissed",
        {"enterprise": name_of(enterprise), "enterprise_id": enterprise.pk, "reason": reason},
    )
    return Membership.objects.get(pk=membership_id)


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
        listing = listings().get(cluster=cluster, kind=report.listing_kind, listing_id=report.listing_id)
        if listing is None:
            raise ConflictError(_("The reported listing no longer exists."), field="resolution", code="no_listing")
        before["listing_status"] = listing.status
        listing = listings().remove(actor=actor, cluster=cluster, listing=listing)
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
            params={"cluster": name_of(cluster), "reason": reason},
            cluster=cluster,
        )
    elif resolution == "listing_removed":
        notify_users(
            users=_owners(report.subject),
            kind="report.listing_removed",
            params={"cluster": name_of(cluster), "listing": listing.title, "reason": reason},
            link=listings().url(cluster=cluster, kind=report.listing_kind, listing_id=report.listing_id),
            cluster=cluster,
        )
    return report
