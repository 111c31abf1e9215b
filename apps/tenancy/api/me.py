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


class MyClusterSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="cluster.slug")
    name = serializers.CharField(source="cluster.name")
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=selectors.ROLE_ORDER),
        help_text=(
            "What the user may do in this cluster: administrator (appointed), council (a seat whose "
            "term covers now), member (a person of an enterprise that is an active member)."
        ),
    )


class MeSerializer(UserSerializer):
    roles = serializers.SerializerMethodField(
        help_text=(
            "The appointed roles only (ClusterRole: administrator), one entry per appointment. "
            "Kept for compatibility; `clusters` holds every role, including member and council."
        )
    )
    clusters = serializers.SerializerMethodField(
        help_text=(
            "Every active cluster where the user holds any role, with those roles: "
            "appointed administrator, member through an enterprise's active membership, council seat in term."
        )
    )

    class Meta(UserSerializer.Meta):
        fields = (*UserSerializer.Meta.fields, "roles", "clusters")

    @extend_schema_field(ClusterRoleSummarySerializer(many=True))
    def get_roles(self, user):
        return ClusterRoleSummarySerializer(selectors.user_cluster_roles(user=user), many=True).data

    @extend_schema_field(MyClusterSerializer(many=True))
    def get_clusters(self, user):
        return MyClusterSerializer(selectors.user_clusters_with_roles(user=user), many=True).data


@extend_schema(responses={200: MeSerializer, 400: ErrorSerializer, 401: ErrorSerializer})
class MeView(generics.RetrieveUpdateAPIView):
    """The signed-in user, their verification state and their roles in every cluster (``clusters``).

    PATCH changes the display name and preferred language.
    """

    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user
