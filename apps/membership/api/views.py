from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.response import Response

from apps.core.api.schema import ErrorSerializer
from apps.core.errors import NotFoundError
from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.selectors import ADMINISTRATOR, AUTHENTICATED, MEMBER

from .. import lifecycle, selectors, track_records, verification_levels
from ..filters import AuditEventFilter, DirectoryFilter, MembershipFilter, ReportFilter
from ..models import AuditEvent, Enterprise, EnterpriseMember, Membership, Report
from ..permissions import enterprise_role, require_enterprise_role
from ..services import enterprises as enterprise_services
from ..services import memberships as membership_services
from ..services import people as people_services
from ..services import reports as report_services
from . import serializers as s

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CONFLICT = {**ERRORS, 409: ErrorSerializer}


# --- Enterprises (outside any cluster) ---------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="My enterprises", description="The enterprises you belong to, with your role."),
    retrieve=extend_schema(
        summary="An enterprise's profile",
        description="Its people see the full profile (`EnterpriseProfile`, with `my_role`); everyone else signed "
        "in sees the public profile (`PublicEnterpriseProfile`: no exact location, no certificate numbers). A "
        "client tries the full shape first: the public one lacks fields the full one requires. Both carry "
        "`reputations`: the enterprise's track record in each cluster where you are an administrator or member.",
        responses={
            200: PolymorphicProxySerializer(
                component_name="EnterpriseProfileAnswer",
                serializers=[s.EnterpriseProfileSerializer, s.PublicEnterpriseProfileSerializer],
                resource_type_field_name=None,
            ),
            **ERRORS,
        },
    ),
    create=extend_schema(
        summary="Register an enterprise (you become its owner)",
        request=s.EnterpriseSerializer,
        responses={201: s.EnterpriseSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Edit the profile (owners and administrators)",
        request=s.EnterpriseUpdateSerializer,
        responses={200: s.EnterpriseSerializer, **ERRORS},
    ),
)
class EnterpriseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.EnterpriseSerializer
    queryset = Enterprise.objects.none()
    lookup_value_regex = r"[0-9]{1,18}"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.user_enterprises(user=self.request.user)

    def _enterprise(self) -> Enterprise:
        enterprise = selectors.enterprise_get(enterprise_id=self.kwargs["pk"])
        if enterprise is None:
            raise NotFoundError()
        return enterprise

    def retrieve(self, request, *args, **kwargs):
        enterprise = self._enterprise()
        role = enterprise_role(user=request.user, enterprise=enterprise)
        enterprise.visible_reputations = selectors.reputations_visible(user=request.user, enterprise=enterprise)
        if role is None:
            return Response(s.PublicEnterpriseProfileSerializer(enterprise).data)
        enterprise.my_role = role
        return Response(s.EnterpriseProfileSerializer(enterprise).data)

    def create(self, request, *args, **kwargs):
        serializer = s.EnterpriseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        enterprise = enterprise_services.enterprise_create(actor=request.user, **data)
        enterprise = selectors.user_enterprises(user=request.user).get(pk=enterprise.pk)
        return Response(s.EnterpriseSerializer(enterprise).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        enterprise = self._enterprise()
        require_enterprise_role(user=request.user, enterprise=enterprise)
        serializer = s.EnterpriseUpdateSerializer(enterprise, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        enterprise_services.enterprise_update(actor=request.user, enterprise=enterprise, **serializer.validated_data)
        enterprise = selectors.user_enterprises(user=request.user).get(pk=enterprise.pk)
        return Response(s.EnterpriseSerializer(enterprise).data)

    def update(self, request, *args, **kwargs):
        return self.http_method_not_allowed(request, *args, **kwargs)


class EnterpriseChildViewSet(viewsets.GenericViewSet):
    """Base of the collections under ``enterprises/{enterprise_pk}/``: people of the enterprise only."""

    allowed_roles = tuple(EnterpriseMember.Role.values)
    lookup_value_regex = r"[0-9]{1,18}"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.enterprise = selectors.enterprise_get(enterprise_id=kwargs["enterprise_pk"], profile=False)
        if self.enterprise is None or enterprise_role(user=request.user, enterprise=self.enterprise) is None:
            raise NotFoundError()  # outsiders do not learn who works where


@extend_schema_view(
    list=extend_schema(summary="People of the enterprise", responses={200: s.PersonSerializer(many=True), **ERRORS}),
    partial_update=extend_schema(
        summary="Change a person's role (owners and administrators)",
        request=s.PersonRoleSerializer,
        responses={200: s.PersonSerializer, **CONFLICT},
    ),
    destroy=extend_schema(summary="Remove a person (or leave yourself)", responses={204: None, **CONFLICT}),
)
class PersonViewSet(mixins.ListModelMixin, EnterpriseChildViewSet):
    serializer_class = s.PersonSerializer
    queryset = EnterpriseMember.objects.none()
    lookup_field = "user_id"
    lookup_value_regex = r"[0-9]{1,18}"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.enterprise_people(enterprise=self.enterprise)

    def partial_update(self, request, *args, **kwargs):
        serializer = s.PersonRoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = people_services.person_change_role(
            actor=request.user, enterprise=self.enterprise, user_id=int(kwargs["user_id"]), **serializer.validated_data
        )
        return Response(s.PersonSerializer(person).data)

    def destroy(self, request, *args, **kwargs):
        people_services.person_remove(actor=request.user, enterprise=self.enterprise, user_id=int(kwargs["user_id"]))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Transfer ownership (the owner only); the former owner becomes an administrator",
        request=s.OwnershipTransferSerializer,
        responses={200: s.PersonSerializer, **CONFLICT},
    )
    @action(detail=False, methods=["post"], url_path="transfer-ownership")
    def transfer_ownership(self, request, *args, **kwargs):
        serializer = s.OwnershipTransferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = people_services.ownership_transfer(
            actor=request.user, enterprise=self.enterprise, user_id=serializer.validated_data["user"]
        )
        return Response(s.PersonSerializer(person).data)


@extend_schema_view(
    list=extend_schema(summary="Invitations", responses={200: s.InvitationSerializer(many=True), **ERRORS}),
    create=extend_schema(
        summary="Invite a colleague by e-mail",
        request=s.InvitationSerializer,
        responses={201: s.InvitationSerializer, **CONFLICT},
    ),
    destroy=extend_schema(summary="Revoke a pending invitation", responses={204: None, **ERRORS}),
)
class InvitationViewSet(mixins.ListModelMixin, EnterpriseChildViewSet):
    serializer_class = s.InvitationSerializer
    queryset = EnterpriseMember.objects.none()
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        require_enterprise_role(user=self.request.user, enterprise=self.enterprise)
        return selectors.enterprise_invitations(enterprise=self.enterprise)

    def create(self, request, *args, **kwargs):
        serializer = s.InvitationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = people_services.invitation_create(
            actor=request.user, enterprise=self.enterprise, **serializer.validated_data
        )
        return Response(s.InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        people_services.invitation_revoke(
            actor=request.user, enterprise=self.enterprise, invitation_id=int(kwargs["pk"])
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="Certifications", responses={200: s.CertificationSerializer(many=True), **ERRORS}),
    create=extend_schema(summary="Add a certification", responses={201: s.CertificationSerializer, **CONFLICT}),
    destroy=extend_schema(summary="Remove a certification", responses={204: None, **ERRORS}),
)
class CertificationViewSet(mixins.ListModelMixin, EnterpriseChildViewSet):
    serializer_class = s.CertificationSerializer
    queryset = EnterpriseMember.objects.none()
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.enterprise_certifications(enterprise=self.enterprise)

    def create(self, request, *args, **kwargs):
        serializer = s.CertificationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        certification = enterprise_services.certification_add(
            actor=request.user, enterprise=self.enterprise, **serializer.validated_data
        )
        return Response(s.CertificationSerializer(certification).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        enterprise_services.certification_remove(
            actor=request.user, enterprise=self.enterprise, certification_id=int(kwargs["pk"])
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    summary="Accept an invitation (signed in with the invited address)",
    request=s.InvitationAcceptSerializer,
    responses={200: s.PersonSerializer, **CONFLICT},
)
class InvitationAcceptViewSet(viewsets.GenericViewSet):
    serializer_class = s.InvitationAcceptSerializer

    def create(self, request, *args, **kwargs):
        serializer = s.InvitationAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = people_services.invitation_accept(user=request.user, **serializer.validated_data)
        return Response(s.PersonSerializer(person).data)


# --- Inside a cluster -----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Memberships (the moderation queue for administrators; your own otherwise)",
        responses={200: s.MembershipSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary="A membership", responses={200: s.MembershipSerializer, **ERRORS}),
    create=extend_schema(
        summary="Apply to join the cluster for one of your enterprises",
        request=s.MembershipApplySerializer,
        responses={201: s.MembershipSerializer, **CONFLICT},
    ),
)
class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClusterScopedViewSet):
    serializer_class = s.MembershipSerializer
    queryset = Membership.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = MembershipFilter
    required_roles = {
        "list": {ADMINISTRATOR, AUTHENTICATED},
        "retrieve": {ADMINISTRATOR, AUTHENTICATED},
        "create": {AUTHENTICATED},
        "leave": {AUTHENTICATED},
        "bulk_approve": {ADMINISTRATOR},
        "confirm_suspension": {ADMINISTRATOR},
        "dismiss_suspension": {ADMINISTRATOR},
        **{name: {ADMINISTRATOR} for name in lifecycle.ADMINISTRATOR_ACTIONS},
    }

    def scoped_queryset(self, *, cluster, user):
        return selectors.memberships_for(cluster=cluster, user=user)

    def create(self, request, *args, **kwargs):
        serializer = s.MembershipApplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = membership_services.membership_apply(
            actor=request.user, cluster=self.cluster, **serializer.validated_data
        )
        return Response(s.MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, action_name):
        serializer = s.DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = membership_services.membership_decide(
            actor=request.user,
            cluster=self.cluster,
            membership_id=int(self.kwargs["pk"]),
            action=action_name,
            reason=serializer.validated_data["reason"],
        )
        return Response(s.MembershipSerializer(membership).data)

    decision_schema = extend_schema(request=s.DecisionSerializer, responses={200: s.MembershipSerializer, **CONFLICT})

    @decision_schema
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        return self._decide(request, "approve")

    @decision_schema
    @action(detail=True, methods=["post"])
    def reject(self, request, *args, **kwargs):
        return self._decide(request, "reject")

    @decision_schema
    @action(detail=True, methods=["post"])
    def suspend(self, request, *args, **kwargs):
        return self._decide(request, "suspend")

    @decision_schema
    @action(detail=True, methods=["post"])
    def reinstate(self, request, *args, **kwargs):
        return self._decide(request, "reinstate")

    @decision_schema
    @action(detail=True, methods=["post"])
    def expel(self, request, *args, **kwargs):
        return self._decide(request, "expel")

    @extend_schema(
        summary="Leave the cluster (the enterprise's owners and administrators)",
        request=s.DecisionSerializer,
        responses={200: s.MembershipSerializer, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def leave(self, request, *args, **kwargs):
        serializer = s.DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = membership_services.membership_leave(
            actor=request.user,
            cluster=self.cluster,
            membership_id=int(self.kwargs["pk"]),
            reason=serializer.validated_data["reason"],
        )
        return Response(s.MembershipSerializer(membership).data)

    @extend_schema(
        summary="Confirm the suspension that reports propose (administrators): the member is suspended",
        description="The reason is optional (the proposal's reason by default); the owners are notified.",
        request=s.DecisionSerializer,
        responses={200: s.MembershipSerializer, **CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="confirm-suspension")
    def confirm_suspension(self, request, *args, **kwargs):
        return self._decide_suspension(request, report_services.suspension_confirm)

    @extend_schema(
        summary="Dismiss the suspension that reports propose (administrators, with a reason): the member stays",
        description="Reports filed before the dismissal no longer count towards a new proposal.",
        request=s.DecisionSerializer,
        responses={200: s.MembershipSerializer, **CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="dismiss-suspension")
    def dismiss_suspension(self, request, *args, **kwargs):
        return self._decide_suspension(request, report_services.suspension_dismiss)

    def _decide_suspension(self, request, service):
        serializer = s.DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = service(
            actor=request.user, cluster=self.cluster, membership_id=int(self.kwargs["pk"]), **serializer.validated_data
        )
        return Response(s.MembershipSerializer(membership).data)

    @extend_schema(
        summary="Approve several applications with one reason (all or none)",
        request=s.BulkApproveSerializer,
        responses={200: s.MembershipSerializer(many=True), **CONFLICT},
    )
    @action(detail=False, methods=["post"], url_path="bulk-approve")
    def bulk_approve(self, request, *args, **kwargs):
        serializer = s.BulkApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        approved = membership_services.memberships_bulk_approve(
            actor=request.user,
            cluster=self.cluster,
            membership_ids=serializer.validated_data["memberships"],
            reason=serializer.validated_data["reason"],
        )
        return Response(s.MembershipSerializer(approved, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary="Member directory (active members; visible to members and administrators)",
        responses={200: s.DirectoryEntrySerializer(many=True), **ERRORS},
    )
)
class MemberDirectoryViewSet(mixins.ListModelMixin, ClusterScopedViewSet):
    serializer_class = s.DirectoryEntrySerializer
    queryset = Membership.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = DirectoryFilter
    required_roles = {"list": {ADMINISTRATOR, MEMBER}}

    def scoped_queryset(self, *, cluster, user):
        return selectors.member_directory(cluster=cluster)

    def get_serializer(self, *args, **kwargs):
        """A page of the directory reads its members' reputations in one query."""
        if kwargs.get("many") and args:
            page = list(args[0])
            context = kwargs.setdefault("context", self.get_serializer_context())
            context["track_records"] = track_records.of(
                cluster_ids=[self.cluster.pk], enterprise_ids=[m.enterprise_id for m in page]
            )
            context["verification_levels"] = verification_levels.of(
                cluster_ids=[self.cluster.pk], enterprise_ids=[m.enterprise_id for m in page]
            )
            args = (page, *args[1:])
        return super().get_serializer(*args, **kwargs)


@extend_schema_view(
    list=extend_schema(
        summary="Reports (all for administrators; the ones you filed otherwise)",
        responses={200: s.ReportSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary="A report", responses={200: s.ReportSerializer, **ERRORS}),
    create=extend_schema(
        summary="Report a member or a listing (active members)",
        description=(
            "Name the reported member (subject), or a listing of this cluster (listing_kind and "
            "listing_id), whose owner then becomes the subject. Your own enterprise and its listings "
            "cannot be reported. One open report per enterprise and target (409 for a second); at most "
            "the rulebook's moderation.reports_per_day per person and per enterprise in 24 hours (429 with "
            "Retry-After). Reports by moderation.open_reports_to_suspend distinct enterprises propose a "
            "suspension for the administrators to confirm or dismiss."
        ),
        request=s.ReportCreateSerializer,
        responses={201: s.ReportSerializer, **CONFLICT, 429: ErrorSerializer},
    ),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClusterScopedViewSet):
    serializer_class = s.ReportSerializer
    queryset = Report.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReportFilter
    required_roles = {
        "list": {ADMINISTRATOR, MEMBER},
        "retrieve": {ADMINISTRATOR, MEMBER},
        "create": {MEMBER},
        "resolve": {ADMINISTRATOR},
    }

    def scoped_queryset(self, *, cluster, user):
        return selectors.reports_for(cluster=cluster, user=user)

    def create(self, request, *args, **kwargs):
        serializer = s.ReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            report = report_services.report_file(actor=request.user, cluster=self.cluster, **serializer.validated_data)
        except report_services.ReportRateLimitedError as exc:
            raise Throttled(wait=exc.retry_after, detail=str(exc.message)) from None
        return Response(s.ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Resolve a report: dismiss, warn, suspend or remove the reported listing, with a reason",
        description=(
            "listing_removed is for reports that name a listing still draft, open or partially filled: "
            "the listing is cancelled, its open proposals are withdrawn and its owner is notified."
        ),
        request=s.ReportResolveSerializer,
        responses={200: s.ReportSerializer, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, *args, **kwargs):
        serializer = s.ReportResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = report_services.report_resolve(
            actor=request.user, cluster=self.cluster, report_id=int(self.kwargs["pk"]), **serializer.validated_data
        )
        return Response(s.ReportSerializer(report).data)


@extend_schema_view(
    list=extend_schema(
        summary="Audit trail of moderation (administrators)",
        responses={200: s.AuditEventSerializer(many=True), **ERRORS},
    )
)
class AuditEventViewSet(mixins.ListModelMixin, ClusterScopedViewSet):
    serializer_class = s.AuditEventSerializer
    queryset = AuditEvent.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = AuditEventFilter
    required_roles = {"list": {ADMINISTRATOR}}

    def scoped_queryset(self, *, cluster, user):
        return selectors.audit_events(cluster=cluster)
