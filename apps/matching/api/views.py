from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from apps.core.api.schema import ErrorSerializer
from apps.marketplace.models import MatchingRun
from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.selectors import ADMINISTRATOR, MEMBER

from .. import selectors
from ..describe import listing_titles
from ..filters import MatchingRunFilter
from ..services import matching_run_start
from .serializers import MatchingRunSerializer

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(
        summary="Matching runs of the cluster", responses={200: MatchingRunSerializer(many=True), **ERRORS}
    ),
    retrieve=extend_schema(summary="A run's progress and outcome", responses={200: MatchingRunSerializer, **ERRORS}),
    create=extend_schema(
        summary="Start a full re-plan (administrators)",
        description=(
            "One full run at a time: while another is queued or running under a live lease, the answer is a 409 "
            "whose `retry_at` (and `Retry-After` header, in seconds) names when that lease ends. A run whose "
            "lease lapsed (its worker died) does not block: the new run supersedes it."
        ),
        request=None,
        responses={
            202: MatchingRunSerializer,
            **ERRORS,
            409: OpenApiResponse(
                ErrorSerializer, description="Another full run holds a live lease; `retry_at` says until when."
            ),
        },
        parameters=[
            OpenApiParameter(
                "Retry-After",
                int,
                location=OpenApiParameter.HEADER,
                response=[409],
                description="Seconds until the blocking run's lease ends.",
            )
        ],
    ),
)
class MatchingRunViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClusterScopedViewSet
):
    serializer_class = MatchingRunSerializer
    queryset = MatchingRun.objects.all()
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = MatchingRunFilter
    required_roles = {"list": {ADMINISTRATOR, MEMBER}, "retrieve": {ADMINISTRATOR, MEMBER}, "create": {ADMINISTRATOR}}

    def scoped_queryset(self, *, cluster, user):
        return selectors.runs_of(cluster=cluster).select_related("requested_by")

    def get_serializer(self, *args, **kwargs):
        """A page of runs reads the titles of the listings their triggers name in one query per kind."""
        if kwargs.get("many") and args:
            page = list(args[0])
            kwargs.setdefault("context", self.get_serializer_context())["listing_titles"] = listing_titles(page)
            args = (page, *args[1:])
        return super().get_serializer(*args, **kwargs)

    def create(self, request, *args, **kwargs):
        run = matching_run_start(actor=request.user, cluster=self.cluster)
        run.refresh_from_db()
        return Response(MatchingRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
