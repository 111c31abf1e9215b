"""OpenAPI extensions so the schema documents our authentication and error format."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import serializers

from apps.core.api.fields import DateTimeField


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
    retry_at = DateTimeField(
        required=False,
        help_text="When the refusal will no longer hold, if that is known (also sent as `Retry-After`, in seconds).",
    )


ERROR_DESCRIPTIONS = {
    "400": "Invalid input: `errors` names each field.",
    "401": "Not signed in (or the session token expired).",
    "403": "Signed in, but not allowed to do this here.",
    "404": "No such object here (or not visible to you).",
    "405": "Method not allowed.",
    "409": "The object's state does not allow this.",
    "415": "Unsupported media type: send JSON.",
    "429": "Too many requests.",
}


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: every operation documents the one error format for every 4xx,
    and the 503 (with ``Retry-After``) of a database that cannot be reached."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    if "Error" not in schemas:
        schemas["Error"] = {
            "type": "object",
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "detail": {"type": "string"},
                "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                "retry_at": {"type": "string", "format": "date-time"},
            },
            "required": ["status", "code", "detail"],
        }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    database_unavailable = {
        "description": "The database cannot be reached (`code`: `database_unavailable`); retry after `Retry-After`.",
        "headers": {
            "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}},
        },
        "content": error,
    }
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERROR_DESCRIPTIONS.items():
                operation["responses"].setdefault(code, {"description": description, "content": error})
            operation["responses"].setdefault("503", database_unavailable)
    return result
