"""``/me/``: the signed-in user (accounts' part) and their roles in every cluster (tenancy's)."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers

from apps.accounts.api.serializers import UserSerializer
from apps.core.api.schema import ErrorSerializer
from apps.tenancy import selectors


class ClusterRoleSummarySerializer(serializers.Serializer):
    cluster = serializers.SlugField(source="cluster.slug")
    cluster_name = serializers.CharField(source="cluster.name")
    role = serializers.CharField()


class MeSerializer(UserSerializer):
    roles = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = (*UserSerializer.Meta.fields, "roles")

    @extend_schema_field(ClusterRoleSummarySerializer(many=True))
    def get_roles(self, user):
        return ClusterRoleSummarySerializer(selectors.user_cluster_roles(user=user), many=True).data


@extend_schema(responses={200: MeSerializer, 400: ErrorSerializer, 401: ErrorSerializer})
class MeView(generics.RetrieveUpdateAPIView):
    """The signed-in user, their verification state and their roles in every cluster.

    PATCH changes the display name and preferred language.
    """

    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user
