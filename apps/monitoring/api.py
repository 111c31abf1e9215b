from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.schema import ErrorSerializer
from apps.core.api.serializers import ModelSerializer
from apps.marketplace.selectors import viewer_enterprise_ids
from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.selectors import ADMINISTRATOR, MEMBER

from . import selectors, services
from .filters import AlertFilter, MetricsFilter
from .models import Alert, KpiSnapshot

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class AlertSerializer(ModelSerializer):
    subject = serializers.CharField(source="subject_text", read_only=True, help_text="In the language of the request.")
    message = serializers.CharField(source="message_text", read_only=True, help_text="In the language of the request.")

    class Meta:
        model = Alert
        fields = (
            "id",
            "kind",
            "severity",
            "subject",
            "message",
            "link",
            "object_type",
            "object_id",
            "state",
            "occurrences",
            "first_seen_at",
            "last_seen_at",
            "acknowledged_at",
            "resolved_at",
        )
        read_only_fields = fields


class SnapshotSerializer(ModelSerializer):
    class Meta:
        model = KpiSnapshot
        fields = ("taken_at", "metrics")
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="Alerts (administrators: all of the cluster; members: their enterprises')",
        responses={200: AlertSerializer(many=True), **ERRORS},
    )
)
class AlertViewSet(mixins.ListModelMixin, ClusterScopedViewSet):
    serializer_class = AlertSerializer
    queryset = Alert.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = AlertFilter
    required_roles = {
        "list": {ADMINISTRATOR, MEMBER},
        "acknowledge": {ADMINISTRATOR, MEMBER},
        "resolve": {ADMINISTRATOR, MEMBER},
    }

    def scoped_queryset(self, *, cluster, user):
        everything = ADMINISTRATOR in self.cluster_roles or user.is_staff
        return selectors.alerts_for(cluster=cluster, enterprise_ids=None if everything else viewer_enterprise_ids(user))

    @extend_schema(request=None, responses={200: AlertSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, *args, **kwargs):
        alert = services.alert_set_state(
            actor=request.user, cluster=self.cluster, alert_id=int(kwargs["pk"]), state="acknowledged"
        )
        return Response(AlertSerializer(alert).data)

    @extend_schema(request=None, responses={200: AlertSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def resolve(self, request, *args, **kwargs):
        alert = services.alert_set_state(
            actor=request.user, cluster=self.cluster, alert_id=int(kwargs["pk"]), state="resolved"
        )
        return Response(AlertSerializer(alert).data)


@extend_schema_view(
    list=extend_schema(
        summary="KPI time series of the cluster (administrators and members)",
        responses={200: SnapshotSerializer(many=True), **ERRORS},
    ),
    snapshot=extend_schema(
        summary="Take a KPI snapshot now (administrators)", request=None, responses={201: SnapshotSerializer, **ERRORS}
    ),
)
class MetricsViewSet(mixins.ListModelMixin, ClusterScopedViewSet):
    serializer_class = SnapshotSerializer
    queryset = KpiSnapshot.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = MetricsFilter
    required_roles = {"list": {ADMINISTRATOR, MEMBER}, "snapshot": {ADMINISTRATOR}}

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if ADMINISTRATOR not in self.cluster_roles and not request.user.is_staff:
            # who trades with whom is for the administrators; members see the aggregate figures
            for snapshot in response.data["results"]:
                snapshot["metrics"].get("network", {}).pop("edges", None)
        return response

    def scoped_queryset(self, *, cluster, user):
        return selectors.snapshots_of(cluster=cluster)

    def filter_queryset(self, queryset):
        # the latest ``limit`` snapshots (MetricsFilter), listed oldest first as the charts draw them
        return sorted(super().filter_queryset(queryset), key=lambda snapshot: snapshot.taken_at)

    @action(detail=False, methods=["post"])
    def snapshot(self, request, *args, **kwargs):
        return Response(SnapshotSerializer(services.kpi_snapshot_take(self.cluster)).data, status=201)
