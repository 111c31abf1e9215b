from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.schema import ErrorSerializer
from apps.core.errors import DomainError
from apps.membership.models import Enterprise
from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.selectors import ADMINISTRATOR, MEMBER

from .. import selectors
from ..filters import BookingFilter, ResourceFilter, VisitFilter
from ..models import Auditor, Booking, Resource, Visit
from ..roles import AUDITOR
from ..services import bookings, resources, verification
from . import serializers as s

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}
READERS = {ADMINISTRATOR, MEMBER, AUDITOR}
VERIFIERS = {ADMINISTRATOR, AUDITOR}


def booking_arguments(request) -> dict:
    """A booking request's body, checked, as the booking services take it (own park or a partner's)."""
    serializer = s.BookingCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    enterprise = Enterprise.objects.filter(pk=data.pop("enterprise")).first()
    if enterprise is None:
        raise DomainError(_("No such enterprise."), field="enterprise")
    resource_id = data.pop("resource")
    return {**data, "resource_id": resource_id, "enterprise": enterprise}


@extend_schema_view(
    list=extend_schema(
        summary="The cluster's shared resources", responses={200: s.ResourceSerializer(many=True), **ERRORS}
    ),
    retrieve=extend_schema(summary="A resource", responses={200: s.ResourceSerializer, **ERRORS}),
    create=extend_schema(
        summary="List a resource (administrators)",
        request=s.ResourceSerializer,
        responses={201: s.ResourceSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Edit a resource (administrators)",
        request=s.ResourceWriteSerializer,
        responses={200: s.ResourceSerializer, **ERRORS},
    ),
)
class ResourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ClusterScopedViewSet,
):
    serializer_class = s.ResourceSerializer
    queryset = Resource.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = ResourceFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    required_roles = {
        "list": READERS,
        "retrieve": READERS,
        "create": {ADMINISTRATOR},
        "partial_update": {ADMINISTRATOR},
    }

    def scoped_queryset(self, *, cluster, user):
        return selectors.resources(cluster=cluster)

    def create(self, request, *args, **kwargs):
        serializer = s.ResourceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        resource = resources.resource_create(actor=request.user, cluster=self.cluster, **serializer.validated_data)
        return Response(s.ResourceSerializer(resource).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        self.get_object()
        serializer = s.ResourceWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        resource = resources.resource_update(
            actor=request.user, cluster=self.cluster, resource_id=int(kwargs["pk"]), **serializer.validated_data
        )
        return Response(s.ResourceSerializer(resource).data)


@extend_schema_view(
    list=extend_schema(
        summary="Bookings (administrators: all; members: their enterprises')",
        responses={200: s.BookingSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary="A booking", responses={200: s.BookingSerializer, **ERRORS}),
    create=extend_schema(
        summary="Book a resource for a time range and quantity (members)",
        description=(
            "409 `fully_booked` when the capacity is taken at some moment of the range; 400 naming the field "
            "for a range in the past, ending before it starts, outside the opening hours or beyond the "
            "rulebook's limits, and for a quantity above the capacity."
        ),
        request=s.BookingCreateSerializer,
        responses={201: s.BookingSerializer, **ERRORS},
    ),
)
class BookingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClusterScopedViewSet):
    serializer_class = s.BookingSerializer
    queryset = Booking.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = BookingFilter
    required_roles = {
        "list": {ADMINISTRATOR, MEMBER},
        "retrieve": {ADMINISTRATOR, MEMBER},
        "create": {MEMBER},
        "confirm": {ADMINISTRATOR},
        "reject": {ADMINISTRATOR},
        "cancel": {ADMINISTRATOR, MEMBER},
    }

    def scoped_queryset(self, *, cluster, user):
        return selectors.bookings(cluster=cluster, user=user, roles=self.cluster_roles)

    def create(self, request, *args, **kwargs):
        booking = bookings.booking_create(actor=request.user, cluster=self.cluster, **booking_arguments(request))
        return Response(s.BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    def _answer(self, booking):
        return Response(s.BookingSerializer(booking).data)

    @extend_schema(
        summary="Confirm a booking awaiting confirmation (administrators)",
        request=None,
        responses={200: s.BookingSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, *args, **kwargs):
        return self._answer(
            bookings.booking_decide(
                actor=request.user, cluster=self.cluster, booking_id=int(kwargs["pk"]), confirm=True
            )
        )

    @extend_schema(
        summary="Reject a booking awaiting confirmation (administrators)",
        request=None,
        responses={200: s.BookingSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, *args, **kwargs):
        return self._answer(
            bookings.booking_decide(
                actor=request.user, cluster=self.cluster, booking_id=int(kwargs["pk"]), confirm=False
            )
        )

    @extend_schema(
        summary="Cancel a booking (its enterprise's people, administrators)",
        description="Inside `parks.cancel_hours_before`: 409 `late_cancellation`, or marked late where the rulebook allows.",
        request=None,
        responses={200: s.BookingSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        self.get_object()
        return self._answer(
            bookings.booking_cancel(actor=request.user, cluster=self.cluster, booking_id=int(kwargs["pk"]))
        )


@extend_schema_view(
    list=extend_schema(
        summary="The cluster's auditors (administrators)", responses={200: s.AuditorSerializer(many=True), **ERRORS}
    ),
    create=extend_schema(
        summary="Appoint an auditor (administrators)",
        request=s.AuditorAppointSerializer,
        responses={201: s.AuditorSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Remove an auditor (administrators)", responses={204: None, **ERRORS}),
)
class AuditorViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, ClusterScopedViewSet):
    serializer_class = s.AuditorSerializer
    queryset = Auditor.objects.all()
    filter_backends = []
    required_roles = {"list": {ADMINISTRATOR}, "create": {ADMINISTRATOR}, "destroy": {ADMINISTRATOR}}

    def scoped_queryset(self, *, cluster, user):
        return Auditor.objects.filter(cluster=cluster).select_related("user").order_by("pk")

    def create(self, request, *args, **kwargs):
        serializer = s.AuditorAppointSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        auditor = verification.auditor_appoint(actor=request.user, cluster=self.cluster, **serializer.validated_data)
        return Response(s.AuditorSerializer(auditor).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        verification.auditor_remove(actor=request.user, cluster=self.cluster, auditor_id=int(kwargs["pk"]))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary="On-site visits (administrators and auditors: all; members: their own)",
        responses={200: s.VisitSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary="A visit with its findings", responses={200: s.VisitSerializer, **ERRORS}),
    create=extend_schema(
        summary="Schedule a visit to a member (administrators, auditors)",
        request=s.VisitScheduleSerializer,
        responses={201: s.VisitSerializer, **ERRORS},
    ),
)
class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClusterScopedViewSet):
    serializer_class = s.VisitSerializer
    queryset = Visit.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = VisitFilter
    required_roles = {
        "list": READERS,
        "retrieve": READERS,
        "create": VERIFIERS,
        "record": VERIFIERS,
        "cancel": VERIFIERS,
    }

    def scoped_queryset(self, *, cluster, user):
        return selectors.visits(cluster=cluster, user=user, roles=self.cluster_roles)

    def create(self, request, *args, **kwargs):
        serializer = s.VisitScheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        auditor = None
        if data.get("auditor"):
            auditor = get_user_model().objects.filter(email__iexact=data["auditor"], is_active=True).first()
            if auditor is None:
                raise DomainError(_("No active user has this e-mail address."), field="auditor")
        visit = verification.visit_schedule(
            actor=request.user,
            cluster=self.cluster,
            enterprise_id=data["enterprise"],
            scheduled_for=data["scheduled_for"],
            auditor=auditor,
        )
        return Response(s.VisitSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record the findings and grant a level (administrators, auditors)",
        description="The level must be supported by the findings: basic needs the licence, verified the licence, "
        "site and equipment, gold every item; else 400 naming `level`.",
        request=s.VisitRecordSerializer,
        responses={200: s.VisitSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def record(self, request, *args, **kwargs):
        self.get_object()
        serializer = s.VisitRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        visit = verification.visit_record(
            actor=request.user, cluster=self.cluster, visit_id=int(kwargs["pk"]), **serializer.validated_data
        )
        return Response(s.VisitSerializer(visit).data)

    @extend_schema(
        summary="Cancel a scheduled visit (administrators, auditors)",
        request=None,
        responses={200: s.VisitSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        self.get_object()
        visit = verification.visit_cancel(actor=request.user, cluster=self.cluster, visit_id=int(kwargs["pk"]))
        return Response(s.VisitSerializer(visit).data)
