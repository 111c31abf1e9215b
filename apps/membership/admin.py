"""Platform staff read enterprises, memberships, reports and the audit trail here. Rows are never
edited: a decision (approve, reject, suspend, reinstate or expel a membership; resolve a report) is
an action that calls the service the cluster's pages call, which checks the lifecycle, audits and
notifies (``apps.core.admin.service_action``)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline, ReasonActionForm, service_action

from .models import AuditEvent, Enterprise, EnterpriseCertification, EnterpriseMember, Membership, Report
from .services.memberships import membership_decide
from .services.reports import report_resolve

ENTERPRISE_SEARCH = ("legal_name_zh", "legal_name_en", "credit_code")


def enterprise_search(path: str) -> tuple[str, ...]:
    return tuple(f"{path}__{field}" for field in ENTERPRISE_SEARCH)


class EnterpriseMemberInline(ReadOnlyTabularInline):
    model = EnterpriseMember
    fields = ("user", "role", "joined_at")
    list_select_related = ("user",)


class EnterpriseCertificationInline(ReadOnlyTabularInline):
    model = EnterpriseCertification
    fields = ("scheme", "number", "issuer", "valid_until", "created_at")
    list_select_related = ("scheme",)


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyModelAdmin):
    list_display = (
        "legal_name_zh",
        "legal_name_en",
        "credit_code",
        "region_name",
        "size_band",
        "verified",
        "created_at",
    )
    list_filter = ("verified", "size_band", "memberships__cluster", "memberships__status")
    search_fields = (*ENTERPRISE_SEARCH, "region_name", "region_code")
    date_hierarchy = "created_at"
    inlines = [EnterpriseMemberInline, EnterpriseCertificationInline]


def _membership_name(membership: Membership) -> str:
    return f"{membership.enterprise.name} @ {membership.cluster.slug}"


def _decision(action: str, description, done):
    def call(*, request, row, reason):
        membership_decide(actor=request.user, cluster=row.cluster, membership_id=row.pk, action=action, reason=reason)

    return service_action(action, description=description, call=call, done=done, named=_membership_name)


def _resolution(resolution: str, description, done):
    def call(*, request, row, reason):
        report_resolve(actor=request.user, cluster=row.cluster, report_id=row.pk, resolution=resolution, reason=reason)

    return service_action(f"resolve_{resolution}", description=description, call=call, done=done)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyModelAdmin):
    action_form = ReasonActionForm
    actions = [
        _decision("approve", _("Approve the selected applications"), _("%(row)s: approved.")),
        _decision("reject", _("Reject the selected applications (with the reason)"), _("%(row)s: rejected.")),
        _decision("suspend", _("Suspend the selected members (with the reason)"), _("%(row)s: suspended.")),
        _decision("reinstate", _("Reinstate the selected members"), _("%(row)s: reinstated.")),
        _decision("expel", _("Expel the selected members (with the reason)"), _("%(row)s: expelled.")),
    ]
    list_display = ("enterprise", "cluster", "status", "joined_at", "decided_at", "created_at")
    list_filter = ("cluster", "status")
    search_fields = enterprise_search("enterprise")
    list_select_related = ("enterprise", "cluster")
    date_hierarchy = "created_at"


@admin.register(Report)
class ReportAdmin(ReadOnlyModelAdmin):
    action_form = ReasonActionForm
    actions = [
        _resolution("dismiss", _("Dismiss the selected reports (with the reason)"), _("%(row)s: dismissed.")),
        _resolution("warn", _("Warn the reported members (with the reason)"), _("%(row)s: the member is warned.")),
        _resolution(
            "suspend", _("Suspend the reported members (with the reason)"), _("%(row)s: the member is suspended.")
        ),
        _resolution(
            "listing_removed",
            _("Remove the reported listings (with the reason)"),
            _("%(row)s: the listing is removed."),
        ),
    ]
    list_display = ("subject", "reporter", "cluster", "category", "status", "created_at", "resolved_at")
    list_filter = ("cluster", "status", "category")
    search_fields = (*enterprise_search("subject"), *enterprise_search("reporter"))
    list_select_related = ("subject", "reporter", "cluster")
    date_hierarchy = "created_at"


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "cluster", "action", "actor", "enterprise")
    list_filter = ("cluster", "action")
    search_fields = ("action", "actor__email", *enterprise_search("enterprise"))
    list_select_related = ("cluster", "actor", "enterprise")
    date_hierarchy = "created_at"
