"""Platform staff read enterprises, memberships, reports and the audit trail here; a decision
(approve, suspend, resolve…) is taken on the cluster's pages, through ``services``."""

from django.contrib import admin

from apps.core.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline

from .models import AuditEvent, Enterprise, EnterpriseCertification, EnterpriseMember, Membership, Report

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


@admin.register(Membership)
class MembershipAdmin(ReadOnlyModelAdmin):
    list_display = ("enterprise", "cluster", "status", "joined_at", "decided_at", "created_at")
    list_filter = ("cluster", "status")
    search_fields = enterprise_search("enterprise")
    list_select_related = ("enterprise", "cluster")
    date_hierarchy = "created_at"


@admin.register(Report)
class ReportAdmin(ReadOnlyModelAdmin):
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
