"""Pages of the membership domain (views in apps/membership/pages/).

Some names are a contract: services and e-mails ``reverse()`` them (``invitation-accept``,
``moderation-queue``).
"""

from django.urls import path

from .pages import directory, enterprises, joining, moderation, people, reports

urlpatterns = [
    # Enterprises and their people
    path("enterprises/", enterprises.enterprise_list, name="enterprise-list"),
    path("enterprises/new/", enterprises.enterprise_create, name="enterprise-create"),
    path("enterprises/<int:pk>/", enterprises.enterprise_detail, name="enterprise-detail"),
    path("enterprises/<int:pk>/edit/", enterprises.enterprise_edit, name="enterprise-edit"),
    path(
        "enterprises/<int:pk>/certifications/<int:certification_id>/remove/",
        enterprises.certification_remove,
        name="certification-remove",
    ),
    path(
        "enterprises/<int:pk>/memberships/<int:membership_id>/leave/",
        enterprises.membership_leave,
        name="membership-leave",
    ),
    path("enterprises/<int:pk>/people/", people.enterprise_people, name="enterprise-people"),
    path("enterprises/<int:pk>/people/transfer/", people.ownership_transfer, name="ownership-transfer"),
    path(
        "enterprises/<int:pk>/people/invitations/<int:invitation_id>/revoke/",
        people.invitation_revoke,
        name="invitation-revoke",
    ),
    path("enterprises/<int:pk>/people/<int:user_id>/role/", people.person_role, name="person-role"),
    path("enterprises/<int:pk>/people/<int:user_id>/remove/", people.person_remove, name="person-remove"),
    path("invitations/<str:token>/", people.invitation_accept, name="invitation-accept"),
    # Inside a cluster
    path("clusters/<slug:slug>/apply/", joining.cluster_apply, name="cluster-apply"),
    path("clusters/<slug:slug>/moderation/", moderation.moderation_queue, name="moderation-queue"),
    path(
        "clusters/<slug:slug>/moderation/bulk-approve/",
        moderation.memberships_bulk_approve,
        name="memberships-bulk-approve",
    ),
    path("clusters/<slug:slug>/moderation/<int:membership_id>/", moderation.member_history, name="member-history"),
    path(
        "clusters/<slug:slug>/moderation/<int:membership_id>/decide/",
        moderation.membership_decide,
        name="membership-decide",
    ),
    path(
        "clusters/<slug:slug>/moderation/<int:membership_id>/suspension/",
        moderation.suspension_decide,
        name="suspension-decide",
    ),
    path("clusters/<slug:slug>/members/", directory.member_directory, name="member-directory"),
    path("clusters/<slug:slug>/reports/", reports.cluster_reports, name="cluster-reports"),
    path("clusters/<slug:slug>/reports/new/", reports.report_create, name="report-create"),
    path("clusters/<slug:slug>/reports/<int:report_id>/resolve/", reports.report_resolve, name="report-resolve"),
]
