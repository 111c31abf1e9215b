"""``/api/v1/clusters/{own-slug}/partner-resources/`` and ``…/partner-bookings/``: the partner view of
parks (``apps.parks.partners``). A member reads and books the resources its partners opened to partner
clusters while a partnership in force covers resources; nothing else of the park."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.errors import DomainError
from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.selectors import ADMINISTRATOR, MEMBER

from .. import partners, selectors
from ..filters import WeekFilter
from ..models import Booking, Resource
from ..services import partner_bookings
from . import serializers as s
from .views import ERRORS, booking_arguments


@extend_schema_view(
    list=extend_schema(
        summary="The partner view: resources partner clusters opened to this cluster's members",
        responses={200: s.PartnerResourceSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary="A partner's resource", responses={200: s.PartnerResourceSerializer, **ERRORS}),
)
class PartnerResourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClusterScopedViewSet):
    serializer_class = s.PartnerResourceSerializer
    queryset = Resource.objects.all()
    filter_backends = []
    required_roles = {"list": {ADMINISTRATOR, MEMBER}, "retrieve": {ADMINISTRATOR, MEMBER}, "calendar": {MEMBER}}

    def scoped_queryset(self, *, cluster, user):
        return partners.partner_resources(cluster=cluster)

    @extend_schema(
        summary="A partner's resource's week: units taken by the hour (never by whom)",
        parameters=[OpenApiParameter("week", str, description="Any day of the week shown (YYYY-MM-DD)")],
        responses={200: s.CalendarSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def calendar(self, request, *args, **kwargs):
        resource = self.get_object()
        week = WeekFilter(request.query_params)
        if not week.form.is_valid():
            raise DomainError(_("Enter a valid date."), field="week")
        day = week.form.cleaned_data.get("week") or timezone.localdate()
        with partners.in_park(resource.cluster_id):  # every booking of the resource counts
            calendar = selectors.week_calendar(resource, week_start=day - datetime.timedelta(days=day.weekday()))
        return Response(s.CalendarSerializer(calendar).data)


@extend_schema_view(
    list=extend_schema(
        summary="Your enterprises' bookings of partners' resources",
        responses={200: s.PartnerBookingSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary="A booking of a partner's resource", responses={200: s.PartnerBookingSerializer}),
    create=extend_schema(
        summary="Book a partner's resource (members)",
        description="400 naming `resource` for a resource not open to this cluster (unshared, or the partnership "
        "is not in force); otherwise as a member's booking of the park (`bookings`), under the park's rulebook.",
        request=s.BookingCreateSerializer,
        responses={201: s.PartnerBookingSerializer, **ERRORS},
    ),
)
class PartnerBookingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClusterScopedViewSet
):
    serializer_class = s.PartnerBookingSerializer
    queryset = Booking.objects.all()
    filter_backends = []
    required_roles = {"list": {MEMBER}, "retrieve": {MEMBER}, "create": {MEMBER}, "cancel": {MEMBER}}

    def scoped_queryset(self, *, cluster, user):
        return partners.partner_bookings(cluster=cluster, user=user)

    def create(self, request, *args, **kwargs):
        booking = partner_bookings.partner_booking_create(
            actor=request.user, cluster=self.cluster, **booking_arguments(request)
        )
        return Response(s.PartnerBookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cancel your booking of a partner's resource (under the park's notice)",
        request=None,
        responses={200: s.PartnerBookingSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        self.get_object()
        booking = partner_bookings.partner_booking_cancel(
            actor=request.user, cluster=self.cluster, booking_id=int(kwargs["pk"])
        )
        return Response(s.PartnerBookingSerializer(booking).data)
