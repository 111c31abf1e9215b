"""OpenAPI extensions so the schema documents our authentication and error format."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import serializers


class SessionTokenScheme(OpenApiAuthenticationExtension):
    target_class = "apps.core.api.authentication.SessionTokenAuthentication"
    name = "sessionToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Session-Token",
            "description": "Session token from the allauth headless app API (/_allauth/app/v1/auth/login).",
        }


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation messages keyed by field name (dotted paths for nested fields).",
    )
