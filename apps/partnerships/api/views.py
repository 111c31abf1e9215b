"""``/api/v1/clusters/{slug}/partnerships/``: the partnerships the cluster is a party to, proposing
one (a council seat holder), and each council's motions on it (``…/{id}/motions/``)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.schema import ErrorSerializer
from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.selectors import ADMINISTRATOR, COUNCIL, MEMBER

from .. import selectors, services
from ..models import Partnership
from . import serializers as s

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}
READERS = {ADMINISTRATOR, MEMBER, COUNCIL}


@extend_schema_view(
    list=extend_schema(
        summary="The cluster's partnerships with other clusters",
        responses={200: s.PartnershipSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="A partnership, with both councils' status", responses={200: s.PartnershipSerializer, **ERRORS}
    ),
    create=extend_schema(
        summary="Propose a partnership to another cluster (a council seat holder)",
        description=(
            "Creates the terms and this council's motion to enter it, a draft proposal of the type "
            "`partnership`. It takes effect when both councils have enacted their motion. A partnership "
            "to the cluster itself, a second one while one is pending or in force, or an end before the "
            "start is a 400 naming the field."
        ),
        request=s.PartnershipProposeSerializer,
        responses={201: s.PartnershipSerializer, **ERRORS},
    ),
)
class PartnershipViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClusterScopedViewSet
):
    serializer_class = s.PartnershipSerializer
    queryset = Partnership.objects.all()
    filter_backends = []
    required_roles = {"list": READERS, "retrieve": READERS, "create": {COUNCIL}, "motions": {COUNCIL}}

    def scoped_queryset(self, *, cluster, user):
        return selectors.partnerships(cluster=cluster)

    def _detail(self, partnership, code=status.HTTP_200_OK):
        found = selectors.partnership_get(cluster=self.cluster, pk=partnership.pk)
        return Response(s.PartnershipSerializer(found).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = s.PartnershipProposeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        partnership = services.partnership_propose(
            actor=request.user, cluster=self.cluster, **serializer.validated_data
        )
        return self._detail(partnership, status.HTTP_201_CREATED)

    @extend_schema(
        summary="A council's motion on the partnership: enter it (the partner's council), suspend, resume or end it",
        description="A draft proposal of the type `partnership` in this cluster's council, decided by its own rules.",
        request=s.MotionCreateSerializer,
        responses={201: s.PartnershipSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def motions(self, request, *args, **kwargs):
        partnership = self.get_object()
        serializer = s.MotionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.partnership_move(
            actor=request.user, cluster=self.cluster, partnership_id=partnership.pk, **serializer.validated_data
        )
        return self._detail(partnership, status.HTTP_201_CREATED)
