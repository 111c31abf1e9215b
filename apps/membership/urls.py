"""Pages of the membership domain (views in apps/membership/views.py).

Some names are a contract: services and e-mails ``reverse()`` them (``invitation-accept``,
``moderation-queue``).
"""

from django.urls import path

from . import views

urlpatterns = [
    # Enterprises and their people
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise-create"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise-edit"),
    path(
        "enterprises/<int:pk>/certifications/<int:certification_id>/remove/",
        views.certification_remove,
        name="certification-remove",
    ),
    path(
        "enterprises/<int:pk>/memberships/<int:membership_id>/leave/",
        views.membership_leave,
        name="membership-leave",
    ),
    path("enterprises/<int:pk>/people/", views.enterprise_people, name="enterprise-people"),
    path("enterprises/<int:pk>/people/transfer/", views.ownership_transfer, name="ownership-transfer"),
    path(
        "enterprises/<int:pk>/people/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("enterprises/<int:pk>/people/<int:user_id>/role/", views.person_role, name="person-role"),
    path("enterprises/<int:pk>/people/<int:user_id>/remove/", views.person_remove, name="person-remove"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    # Inside a cluster
    path("clusters/<slug:slug>/apply/", views.cluster_apply, name="cluster-apply"),
    path("clusters/<slug:slug>/moderation/", views.moderation_queue, name="moderation-queue"),
    path(
        "clusters/<slug:slug>/moderation/bulk-approve/",
        views.memberships_bulk_approve,
        name="memberships-bulk-approve",
    ),
    path("clusters/<slug:slug>/moderation/<int:membership_id>/", views.member_history, name="member-history"),
    path(
        "clusters/<slug:slug>/moderation/<int:membership_id>/decide/",
        views.membership_decide,
        name="membership-decide",
    ),
    path(
        "clusters/<slug:slug>/moderation/<int:membership_id>/suspension/",
        views.suspension_decide,
        name="suspension-decide",
    ),
    path("clusters/<slug:slug>/members/", views.member_directory, name="member-directory"),
    path("clusters/<slug:slug>/reports/", views.cluster_reports, name="cluster-reports"),
    path("clusters/<slug:slug>/reports/new/", views.report_create, name="report-create"),
    path("clusters/<slug:slug>/reports/<int:report_id>/resolve/", views.report_resolve, name="report-resolve"),
]
