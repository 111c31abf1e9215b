from allauth.account.models import EmailAddress
from rest_framework import serializers

from apps.accounts.models import User
from apps.core.api.serializers import ModelSerializer


class UserSerializer(ModelSerializer):
    """The signed-in user as accounts knows them; ``/me/`` (``apps.tenancy.api.me``) adds their roles."""

    email_verified = serializers.SerializerMethodField()
    is_platform_staff = serializers.BooleanField(source="is_staff", read_only=True)

    class Meta:
        model = User
        fields = ("id", "email", "name", "preferred_language", "email_verified", "is_platform_staff")
        read_only_fields = ("id", "email")

    def get_email_verified(self, user) -> bool:
        return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
