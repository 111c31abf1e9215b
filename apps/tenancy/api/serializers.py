from rest_framework import serializers

from apps.core.api.serializers import ModelSerializer
from apps.tenancy.models import Cluster, ClusterRole
from apps.tenancy.services import CLUSTER_EDITABLE_FIELDS


class ClusterSerializer(ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="Name in the language of the request.")
    administrator_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Cluster
        fields = (
            "slug",
            "name",
            *CLUSTER_EDITABLE_FIELDS,
            "administrator_count",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("created_at", "updated_at")


class ClusterCreateSerializer(ModelSerializer):
    class Meta:
        model = Cluster
        fields = ("slug", *CLUSTER_EDITABLE_FIELDS)


class ClusterUpdateSerializer(ModelSerializer):
    """The slug is the tenant's address and never changes."""

    class Meta:
        model = Cluster
        fields = CLUSTER_EDITABLE_FIELDS


class UserSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    name = serializers.CharField(read_only=True)


class ClusterAdministratorSerializer(ModelSerializer):
    user = UserSummarySerializer(read_only=True)
    appointed_by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = ClusterRole
        fields = ("user", "role", "appointed_by", "created_at")


class ClusterAdministratorAppointSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="E-mail address of an existing, active user.")
