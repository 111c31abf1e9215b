"""OpenAPI extensions so the schema documents our authentication and error format."""

import re

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import serializers

from apps.core.api.fields import DateTimeField

#: the path regex of an object's id (``lookup_value_regex``): digits only
_DIGITS_ONLY = re.compile(r"\^\[0-9\](\{[0-9,]+\}|\+)\$")


class AutoSchema(openapi.AutoSchema):
    """The API's schema class (``DEFAULT_SCHEMA_CLASS``).

    Path ids are integers in every operation: drf-spectacular reads a ``lookup_value_regex``
    as a string with a pattern, so a view whose ids are digits (every view: ``[0-9]{1,18}``)
    would get a string id beside the integer ids it infers from a model's primary key, and a
    generated client two id types. A digits-only path parameter is an integer here, once.
    """

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            schema = parameter["schema"]
            if schema.get("type") == "string" and _DIGITS_ONLY.fullmatch(schema.get("pattern", "")):
                parameter["schema"] = {"type": "integer"}
        return parameters


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


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Send the same request again with the same key and it runs once: a retry within 24 hours is "
        "answered the first success's status and body (with `Idempotent-Replayed: true`). The same key "
        "with another body or path is a 422; while the first request runs, a 409. 1 to 255 printable "
        "ASCII characters (a UUID is a good key)."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}


def add_idempotency_key(result, generator, request, public):
    """Postprocessing hook: every POST takes an ``Idempotency-Key`` header (``apps.core.idempotency``)."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        operation = path_item.get("post")
        if operation is None:
            continue
        operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
        operation["responses"].setdefault(
            "422",
            {"description": "The Idempotency-Key was used for another request.", "content": error},
        )
    return result


def close_alternative_shapes(result, generator, request, public):
    """Postprocessing hook: the members of a ``oneOf`` of shapes (an enterprise's full and public
    profile) admit no property they do not declare, so an answer is exactly one of them, as
    ``oneOf`` says (a full profile would otherwise be a valid public one too)."""
    schemas = result.get("components", {}).get("schemas", {})
    for component in list(schemas.values()):
        members = component.get("oneOf", ())
        names = [member.get("$ref", "").rsplit("/", 1)[-1] for member in members]
        if len(names) < 2 or not all(schemas.get(name, {}).get("type") == "object" for name in names):
            continue
        for name in names:
            schemas[name]["additionalProperties"] = False
    return result
