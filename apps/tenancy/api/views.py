from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.response import Response

from apps.core.api.schema import ErrorSerializer
from apps.tenancy import selectors, services
from apps.tenancy.filters import ClusterFilter
from apps.tenancy.models import Cluster, ClusterRole

from .base import ClusterScopedViewSet
from .serializers import (
    ClusterAdministratorAppointSerializer,
    ClusterAdministratorSerializer,
    ClusterCreateSerializer,
    ClusterSerializer,
    ClusterUpdateSerializer,
)

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class IsStaffOrReadOnly(permissions.BasePermission):
    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


@extend_schema_view(
    list=extend_schema(
        summary="List clusters", description="Active clusters, public. Platform staff see every status."
    ),
    retrieve=extend_schema(summary="Get a cluster", responses={200: ClusterSerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Create a cluster (platform staff)",
        request=ClusterCreateSerializer,
        responses={201: ClusterSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Edit a cluster (platform staff)",
        request=ClusterUpdateSerializer,
        responses={200: ClusterSerializer, **ERRORS},
    ),
)
class ClusterViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The directory of clusters (the tenants themselves)."""

    lookup_field = "slug"
    lookup_value_regex = r"[a-z0-9-]+"
    permission_classes = [IsStaffOrReadOnly]
    serializer_class = ClusterSerializer
    queryset = Cluster.objects.none()
    filterset_class = ClusterFilter
    search_fields = ["name_zh", "name_en", "industry_focus", "industry_focus_zh", "region", "region_zh"]
    ordering_fields = ["name_en", "created_at"]
    ordering = ["name_en"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.cluster_list(user=self.request.user)

    def get_object(self):
        return selectors.cluster_detail(slug=self.kwargs["slug"], user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = ClusterCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cluster = services.cluster_create(actor=request.user, **serializer.validated_data)
        cluster = selectors.cluster_detail(slug=cluster.slug, user=request.user)
        return Response(ClusterSerializer(cluster).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        cluster = self.get_object()
        serializer = ClusterUpdateSerializer(cluster, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        cluster = services.cluster_update(actor=request.user, cluster=cluster, **serializer.validated_data)
        return Response(ClusterSerializer(selectors.cluster_detail(slug=cluster.slug, user=request.user)).data)

    def update(self, request, *args, **kwargs):  # PUT is not offered; PATCH edits.
        return self.http_method_not_allowed(request, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(
        summary="List the cluster's administrators",
        description="Visible to the cluster's administrators and platform staff.",
        responses={200: ClusterAdministratorSerializer(many=True), **ERRORS},
    ),
    create=extend_schema(
        summary="Appoint an administrator (platform staff)",
        request=ClusterAdministratorAppointSerializer,
        responses={201: ClusterAdministratorSerializer, 409: ErrorSerializer, **ERRORS},
    ),
    destroy=extend_schema(
        summary="Remove an administrator (platform staff)",
        parameters=[
            OpenApiParameter("user_id", int, OpenApiParameter.PATH, description="The administrator's user id.")
        ],
        responses={204: None, **ERRORS},
    ),
)
class ClusterAdministratorViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, ClusterScopedViewSet
):
    serializer_class = ClusterAdministratorSerializer
    queryset = ClusterRole.objects.all()  # model for schema generation only; never queried
    lookup_field = "user_id"
    lookup_value_regex = r"[0-9]{1,18}"
    required_roles = {
        "list": {ClusterRole.Role.ADMINISTRATOR},
        # create / destroy: platform staff only (HasClusterRole lets staff through)
    }

    def scoped_queryset(self, *, cluster, user):
        return selectors.cluster_administrators(cluster=cluster)

    def create(self, request, *args, **kwargs):
        serializer = ClusterAdministratorAppointSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        role = services.cluster_administrator_appoint(
            actor=request.user, cluster=self.cluster, email=serializer.validated_data["email"]
        )
        return Response(ClusterAdministratorSerializer(role).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.cluster_administrator_remove(
            actor=request.user, cluster=self.cluster, user_id=int(self.kwargs["user_id"])
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
