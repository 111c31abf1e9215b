"""Reads of the membership domain; every cluster query takes the cluster."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.tenancy.selectors import ADMINISTRATOR, MEMBER, user_clusters_with_roles

from . import track_records, verification_levels
from .models import (
    AuditEvent,
    Enterprise,
    EnterpriseCertification,
    EnterpriseMember,
    Invitation,
    Membership,
    Report,
    SuspensionProposal,
)
from .permissions import MANAGERS, is_cluster_administrator


def active_memberships_of(*, user) -> QuerySet[Membership]:
    """Active memberships of the enterprises ``user`` belongs to (any cluster)."""
    return Membership.objects.filter(
        status=Membership.Status.ACTIVE,
        enterprise_id__in=EnterpriseMember.objects.filter(user=user).values("enterprise_id"),
    )


def user_is_active_member(*, user, cluster) -> bool:
    return active_memberships_of(user=user).filter(cluster=cluster).exists()


def user_enterprises(*, user) -> QuerySet[Enterprise]:
    """The enterprises ``user`` belongs to, with the user's role as ``my_role``."""
    return (
        Enterprise.objects.filter(people__user=user)
        .annotate(my_role=EnterpriseMember.objects.filter(enterprise=OuterRef("pk"), user=user).values("role")[:1])
        .prefetch_related("capabilities", "industry_codes", "certifications__scheme")
        .order_by("legal_name_zh")
    )


def user_enterprise_ids(*, user) -> set[int]:
    """The ids of the enterprises ``user`` belongs to (none for anonymous callers)."""
    if user is None or not user.is_authenticated:
        return set()
    return set(EnterpriseMember.objects.filter(user=user).values_list("enterprise_id", flat=True))


def user_active_enterprises_in(*, user, cluster) -> QuerySet[Enterprise]:
    """The enterprises of ``user`` that are active members of ``cluster`` (those it may act for there)."""
    return user_enterprises(user=user).filter(
        memberships__cluster=cluster, memberships__status=Membership.Status.ACTIVE
    )


def enterprise_get(*, enterprise_id: int, profile: bool = True) -> Enterprise | None:
    """The enterprise, with its profile (capabilities, industry codes, certifications) unless ``profile=False``."""
    qs = Enterprise.objects.filter(pk=enterprise_id)
    if profile:
        qs = qs.prefetch_related("capabilities", "industry_codes", "certifications__scheme")
    return qs.first()


def enterprise_certifications(*, enterprise) -> QuerySet[EnterpriseCertification]:
    return (
        EnterpriseCertification.objects.filter(enterprise=enterprise)
        .select_related("scheme")
        .order_by("scheme_id", "pk")
    )


def enterprise_people(*, enterprise) -> QuerySet[EnterpriseMember]:
    return EnterpriseMember.objects.filter(enterprise=enterprise).select_related("user").order_by("joined_at", "pk")


def enterprise_invitations(*, enterprise, status: str | None = None) -> QuerySet[Invitation]:
    qs = Invitation.objects.filter(enterprise=enterprise)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("invited_by").order_by("-created_at")


def enterprise_memberships(*, enterprise) -> QuerySet[Membership]:
    """The enterprise's memberships in every cluster, newest first (for its own people)."""
    return Membership.objects.filter(enterprise=enterprise).select_related("cluster").order_by("-created_at", "-pk")


def enterprise_membership_get(*, enterprise, membership_id: int) -> Membership | None:
    return enterprise_memberships(enterprise=enterprise).filter(pk=membership_id).first()


def _with_enterprise(qs: QuerySet) -> QuerySet:
    return qs.select_related("enterprise", "decided_by", "applied_by")


def memberships_for(*, cluster, user, status: str | None = None) -> QuerySet[Membership]:
    """Administrators see every membership of the cluster; others only their enterprises'."""
    qs = Membership.objects.filter(cluster=cluster)
    administrator = is_cluster_administrator(user=user, cluster=cluster)
    if not administrator:
        qs = qs.filter(enterprise__people__user=user)
    if status:
        qs = qs.filter(status=status)
    if administrator:  # a proposed suspension is the administrators' to decide; the member does not see it
        qs = qs.prefetch_related(
            Prefetch(
                "suspension_proposals",
                queryset=SuspensionProposal.objects.filter(cluster=cluster, status=SuspensionProposal.Status.PROPOSED),
                to_attr="pending_suspension_proposals",
            )
        )
    open_reports = (
        Report.objects.filter(cluster=cluster, subject=OuterRef("enterprise"), status=Report.Status.OPEN)
        .order_by()
        .values("subject")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        _with_enterprise(qs).annotate(open_reports=Coalesce(Subquery(open_reports), 0)).order_by("-created_at", "-pk")
    )


def membership_get_for(*, cluster, user, membership_id: int) -> Membership | None:
    """One membership of the cluster as ``memberships_for`` shows it to ``user``, or None."""
    return memberships_for(cluster=cluster, user=user).filter(pk=membership_id).first()


def membership_search(qs: QuerySet[Membership], search: str) -> QuerySet[Membership]:
    """Memberships whose enterprise's name (Chinese or English) contains ``search``."""
    if not search:
        return qs
    return qs.filter(Q(enterprise__legal_name_zh__icontains=search) | Q(enterprise__legal_name_en__icontains=search))


def member_directory(
    *, cluster, search: str = "", capability: str = "", region: str = "", certification: str = ""
) -> QuerySet[Membership]:
    """Active members of the cluster, searchable by name, capability, region and certification."""
    qs = Membership.objects.filter(cluster=cluster, status=Membership.Status.ACTIVE)
    qs = directory_filter(qs, search=search, capability=capability, region=region, certification=certification)
    valid_certifications = EnterpriseCertification.objects.filter(valid_until__gte=timezone.localdate()).select_related(
        "scheme"
    )
    return (
        qs.select_related("enterprise")
        .prefetch_related(
            "enterprise__capabilities",
            "enterprise__industry_codes",
            Prefetch("enterprise__certifications", queryset=valid_certifications, to_attr="valid_certifications"),
        )
        .distinct()
        .order_by("enterprise__legal_name_zh", "pk")
    )


def directory_filter(
    qs: QuerySet[Membership], *, search: str = "", capability: str = "", region: str = "", certification: str = ""
) -> QuerySet[Membership]:
    """The directory's filters (the page and the API's FilterSet share them)."""
    if search:
        qs = qs.filter(
            Q(enterprise__legal_name_zh__icontains=search)
            | Q(enterprise__legal_name_en__icontains=search)
            | Q(enterprise__description__icontains=search)
        )
    if capability:
        qs = qs.filter(enterprise__capabilities__code=capability)
    if region:
        qs = qs.filter(Q(enterprise__region_code__startswith=region) | Q(enterprise__region_name__icontains=region))
    if certification:
        qs = qs.filter(
            Exists(
                EnterpriseCertification.objects.filter(
                    enterprise=OuterRef("enterprise"), scheme_id=certification, valid_until__gte=timezone.localdate()
                )
            )
        )
    return qs


def suspension_proposals_pending(*, cluster) -> QuerySet[Membership]:
    """Memberships of the cluster with a suspension proposed by reports, oldest proposal first."""
    pending = SuspensionProposal.objects.filter(cluster=cluster, status=SuspensionProposal.Status.PROPOSED)
    return (
        _with_enterprise(Membership.objects.filter(cluster=cluster, suspension_proposals__in=pending))
        .prefetch_related(Prefetch("suspension_proposals", queryset=pending, to_attr="pending_suspension_proposals"))
        .order_by("suspension_proposals__created_at", "pk")
    )


def reports_for(*, cluster, user, status: str | None = None, subject=None) -> QuerySet[Report]:
    """Administrators see every report of the cluster; members see the reports they filed."""
    qs = Report.objects.filter(cluster=cluster)
    if not is_cluster_administrator(user=user, cluster=cluster):
        qs = qs.filter(reporter__people__user=user)
    if status:
        qs = qs.filter(status=status)
    if subject is not None:
        qs = qs.filter(subject=subject)
    return qs.select_related("reporter", "subject", "resolved_by").order_by("-created_at", "-pk")


def audit_events(
    *, cluster, enterprise_id: int | None = None, membership_id: int | None = None
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.filter(cluster=cluster)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if membership_id:
        qs = qs.filter(membership_id=membership_id)
    return qs.select_related("actor", "enterprise").order_by("-created_at", "-pk")


def cluster_joining_state(*, cluster, user, is_admin: bool) -> dict:
    """Where each of ``user``'s enterprises stands with ``cluster`` (its latest membership) and
    whether it could apply now: in one query, plus one count of waiting applications for an
    administrator. Per the lifecycle, an open membership (pending / active / suspended) blocks a
    new application; rejected, left and expelled ones are history and the enterprise may apply
    again; only its owners and administrators may apply, and only while the cluster is active."""
    latest = Membership.objects.filter(cluster=cluster, enterprise=OuterRef("pk")).order_by("-created_at", "-pk")
    enterprises = (
        Enterprise.objects.filter(people__user=user)
        .annotate(
            my_role=EnterpriseMember.objects.filter(enterprise=OuterRef("pk"), user=user).values("role")[:1],
            membership_status=Subquery(latest.values("status")[:1]),
            membership_created=Subquery(latest.values("created_at")[:1]),
            membership_decided=Subquery(latest.values("decided_at")[:1]),
        )
        .order_by("legal_name_zh")
    )
    rows = []
    for enterprise in enterprises:
        status = enterprise.membership_status
        blocked = status in Membership.OPEN_STATUSES
        rows.append(
            {
                "enterprise": enterprise,
                "status": status,
                "since": enterprise.membership_created
                if status == Membership.Status.PENDING
                else enterprise.membership_decided,
                "is_manager": enterprise.my_role in MANAGERS,
                "can_apply": cluster.is_active and not is_admin and not blocked and enterprise.my_role in MANAGERS,
            }
        )
    pending_count = (
        Membership.objects.filter(cluster=cluster, status=Membership.Status.PENDING).count() if is_admin else None
    )
    return {
        "enterprises": rows,
        "can_apply": any(row["can_apply"] for row in rows),
        "pending_count": pending_count,
    }


def reputations_visible(*, user, enterprise) -> list:
    """The enterprise's reputation in each cluster where ``user`` is an administrator or a member
    (what ``clusters/{slug}/reputation/`` would show them), by cluster slug; two queries."""
    slugs = {
        entry["cluster"].pk: entry["cluster"].slug
        for entry in user_clusters_with_roles(user=user)
        if {ADMINISTRATOR, MEMBER} & set(entry["roles"])
    }
    records = track_records.of(cluster_ids=slugs, enterprise_ids=[enterprise.pk])
    shown = []
    for (cluster_id, _enterprise_id), record in sorted(records.items(), key=lambda item: slugs[item[0][0]]):
        record.cluster_slug = slugs[cluster_id]
        shown.append(record)
    return shown


def enterprise_verification_levels(*, enterprise) -> list[dict]:
    """The on-site verification level in force in each cluster where the enterprise is an active member
    (``{"cluster", "level", "label", "expires_at"}``; provided by parks: ``verification_levels``); two queries."""
    memberships = list(
        Membership.objects.filter(enterprise=enterprise, status=Membership.Status.ACTIVE).select_related("cluster")
    )
    levels = verification_levels.of(cluster_ids=[m.cluster_id for m in memberships], enterprise_ids=[enterprise.pk])
    return [
        {"cluster": m.cluster, **levels[(m.cluster_id, enterprise.pk)]}
        for m in memberships
        if (m.cluster_id, enterprise.pk) in levels
    ]


def with_verification_levels(memberships, *, cluster) -> list:
    """The directory's page of memberships, each with ``verification`` (its level in force, or None); one query."""
    memberships = list(memberships)
    levels = verification_levels.of(cluster_ids=[cluster.pk], enterprise_ids=[m.enterprise_id for m in memberships])
    for membership in memberships:
        membership.verification = levels.get((cluster.pk, membership.enterprise_id))
    return memberships
