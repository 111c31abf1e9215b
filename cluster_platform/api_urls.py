from django.urls import include, path
from rest_framework.routers import SimpleRouter

from apps.governance.api import views as governance
from apps.marketplace.api import views as marketplace
from apps.marketplace.api.partners import PartnerListingViewSet
from apps.matching.api import views as matching
from apps.membership.api import views as membership
from apps.monitoring import api as monitoring
from apps.notifications.api.views import NotificationPreferenceViewSet, NotificationViewSet
from apps.reference import api as reference
from apps.tenancy.api.me import MeView
from apps.tenancy.api.views import ClusterAdministratorViewSet, ClusterViewSet

router = SimpleRouter()
router.register("clusters", ClusterViewSet, basename="cluster")
router.register("enterprises", membership.EnterpriseViewSet, basename="enterprise")
router.register("invitations/accept", membership.InvitationAcceptViewSet, basename="invitation-accept")
router.register("notifications/preferences", NotificationPreferenceViewSet, basename="notification-preference")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("reference/capabilities", reference.CapabilityViewSet, basename="capability")
router.register("reference/industry-codes", reference.IndustryCodeViewSet, basename="industry-code")
router.register(
    "reference/certification-schemes", reference.CertificationSchemeViewSet, basename="certification-scheme"
)
router.register("reference/regions", reference.RegionViewSet, basename="region")

enterprise_router = SimpleRouter()
enterprise_router.register("people", membership.PersonViewSet, basename="enterprise-person")
enterprise_router.register("invitations", membership.InvitationViewSet, basename="enterprise-invitation")
enterprise_router.register("certifications", membership.CertificationViewSet, basename="enterprise-certification")

cluster_router = SimpleRouter()
cluster_router.register("administrators", ClusterAdministratorViewSet, basename="cluster-administrator")
cluster_router.register("memberships", membership.MembershipViewSet, basename="membership")
cluster_router.register("members", membership.MemberDirectoryViewSet, basename="member")
cluster_router.register("reports", membership.ReportViewSet, basename="report")
cluster_router.register("audit-events", membership.AuditEventViewSet, basename="audit-event")
cluster_router.register("orders", marketplace.OrderViewSet, basename="order")
cluster_router.register("capacities", marketplace.CapacityOfferViewSet, basename="capacity")
cluster_router.register("channel-offers", marketplace.ChannelOfferViewSet, basename="channel-offer")
cluster_router.register("channel-requests", marketplace.ChannelRequestViewSet, basename="channel-request")
cluster_router.register("matches", marketplace.MatchViewSet, basename="match")
cluster_router.register("deals", marketplace.DealViewSet, basename="deal")
cluster_router.register("reputation", marketplace.ReputationViewSet, basename="reputation")
cluster_router.register("matching-runs", matching.MatchingRunViewSet, basename="matching-run")
cluster_router.register("council/seats", governance.SeatViewSet, basename="council-seat")
cluster_router.register("proposals", governance.ProposalViewSet, basename="proposal")
cluster_router.register("audit-chain/checkpoints", governance.ChainCheckpointViewSet, basename="chain-checkpoint")
cluster_router.register("audit-chain", governance.AuditChainViewSet, basename="audit-chain")
cluster_router.register("alerts", monitoring.AlertViewSet, basename="alert")
cluster_router.register("metrics", monitoring.MetricsViewSet, basename="metrics")
cluster_router.register("partner-listings", PartnerListingViewSet, basename="partner-listing")

proposal_router = SimpleRouter()
proposal_router.register("comments", governance.CommentViewSet, basename="proposal-comment")
proposal_router.register("votes", governance.VoteViewSet, basename="proposal-vote")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("", include("apps.partnerships.api.urls")),
    path("", include("apps.parks.api.urls")),
    path("", include("apps.dealroom.api.urls")),
    path("", include("apps.innovation.api.urls")),
    path("", include(router.urls)),
    path("enterprises/<int:enterprise_pk>/", include(enterprise_router.urls)),
    path("clusters/<slug:cluster_slug>/", include(cluster_router.urls)),
    path("clusters/<slug:cluster_slug>/proposals/<int:proposal_pk>/", include(proposal_router.urls)),
    path("clusters/<slug:cluster_slug>/rules/", governance.RulebookViewSet.as_view({"get": "current"}), name="rules"),
    path(
        "clusters/<slug:cluster_slug>/rules/history/",
        governance.RulebookViewSet.as_view({"get": "history"}),
        name="rules-history",
    ),
]
