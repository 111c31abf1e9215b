"""Disputes: a deal's (``…/deals/{id}/dispute/``: read it, open one) and the administrators'
queue (``…/disputes/``, with ``decide``)."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.schema import ErrorSerializer
from apps.core.api.serializers import ModelSerializer
from apps.core.errors import NotFoundError
from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.selectors import ADMINISTRATOR, MEMBER

from .. import selectors
from ..filters import DisputeFilter
from ..lifecycle import REASON_MIN
from ..models import Dispute
from ..services import disputes as dispute_services

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class DisputeSerializer(ModelSerializer):
    documents = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Dispute
        fields = (
            "id",
            "deal",
            "status",
            "side",
            "reason",
            "status_before",
            "documents",
            "outcome",
            "against",
            "delivered_quantity",
            "decision_reason",
            "decided_at",
            "created_at",
        )
        read_only_fields = fields


class DisputeOpenSerializer(serializers.Serializer):
    reason = serializers.CharField(min_length=REASON_MIN, max_length=2000)
    documents = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=20, default=list)


class DisputeDecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Dispute.Outcome.choices)
    reason = serializers.CharField(min_length=REASON_MIN, max_length=2000)
    against = serializers.ChoiceField(choices=Dispute.Against.choices, default=Dispute.Against.NONE)
    delivered_quantity = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)


class DealDisputeViewSet(ClusterScopedViewSet):
    """The dispute of one deal (the latest), for its parties and the cluster's administrators."""

    serializer_class = DisputeSerializer
    queryset = Dispute.objects.all()
    required_roles = {"current": {MEMBER, ADMINISTRATOR}, "open": {MEMBER}}

    def scoped_queryset(self, *, cluster, user):
        return selectors.disputes_visible(cluster=cluster, user=user, roles=self.cluster_roles).filter(
            deal_id=int(self.kwargs["deal_pk"])
        )

    @extend_schema(summary="The deal's dispute (the latest)", responses={200: DisputeSerializer, **ERRORS})
    def current(self, request, *args, **kwargs):
        dispute = self.get_queryset().order_by("-created_at", "-pk").first()
        if dispute is None:
            raise NotFoundError()
        return Response(DisputeSerializer(dispute).data)

    @extend_schema(
        summary="Open a dispute (either side; a reason of 10 characters or more, evidence documents)",
        request=DisputeOpenSerializer,
        responses={201: DisputeSerializer, **ERRORS},
    )
    def open(self, request, *args, **kwargs):
        deal_id = int(self.kwargs["deal_pk"])
        selectors.party_deal(cluster=self.cluster, user=request.user, deal_id=deal_id)  # others: 404
        serializer = DisputeOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dispute = dispute_services.dispute_open(
            actor=request.user, cluster=self.cluster, deal_id=deal_id, **serializer.validated_data
        )
        return Response(DisputeSerializer(dispute).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Disputes (administrators: the cluster's; a party: its deals')",
        responses={200: DisputeSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary="A dispute", responses={200: DisputeSerializer, **ERRORS}),
)
class DisputeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClusterScopedViewSet):
    serializer_class = DisputeSerializer
    queryset = Dispute.objects.all()
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = DisputeFilter
    required_roles = {"list": {ADMINISTRATOR, MEMBER}, "retrieve": {ADMINISTRATOR, MEMBER}, "decide": {ADMINISTRATOR}}

    def scoped_queryset(self, *, cluster, user):
        return selectors.disputes_visible(cluster=cluster, user=user, roles=self.cluster_roles)

    @extend_schema(
        summary="Decide an open dispute (administrators): resume, partial delivery or cancel, with a reason",
        request=DisputeDecideSerializer,
        responses={200: DisputeSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, *args, **kwargs):
        self.get_object()
        serializer = DisputeDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dispute = dispute_services.dispute_decide(
            actor=request.user, cluster=self.cluster, dispute_id=int(kwargs["pk"]), **serializer.validated_data
        )
        return Response(
            DisputeSerializer(
                selectors.disputes_visible(cluster=self.cluster, user=request.user, roles=self.cluster_roles).get(
                    pk=dispute.pk
                )
            ).data
        )
