from allauth.account.models import EmailAddress
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.models import User
from apps.core.api.serializers import ModelSerializer


class ClusterRoleSummarySerializer(serializers.Serializer):
    cluster = serializers.SlugField(source="cluster.slug")
    cluster_name = serializers.CharField(source="cluster.name")
    role = serializers.CharField()


class MeSerializer(ModelSerializer):
    email_verified = serializers.SerializerMethodField()
    is_platform_staff = serializers.BooleanField(source="is_staff", read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ("id", "email", "name", "preferred_language", "email_verified", "is_platform_staff", "roles")
        read_only_fields = ("id", "email")

    def get_email_verified(self, user) -> bool:
        return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()

    @staticmethod
    def _roles(user):
        from apps.tenancy.selectors import user_cluster_roles

        return user_cluster_roles(user=user)

    @extend_schema_field(ClusterRoleSummarySerializer(many=True))
    def get_roles(self, user):
        return ClusterRoleSummarySerializer(self._roles(user), many=True).data
