"""One error format for every 4xx answered by the API.

    {"status": 400, "code": "invalid", "detail": "Invalid input.",
     "errors": {"name_en": ["This field is required."]}}

``errors`` is present for validation failures and keyed by field name (nested
serializers use dotted paths, e.g. ``items.0.quantity``); ``non_field_errors`` holds
errors that concern the whole body.
"""

import math

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.dates import format_utc
from apps.core.errors import DomainError


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    """Flatten DRF's nested error detail into ``{"field.path": [messages]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, path))
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            out[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [str(detail)]
    return out


def _body(status_code: int, code: str, detail, errors=None) -> dict:
    body = {"status": status_code, "code": code, "detail": str(detail)}
    if errors:
        body["errors"] = errors
    return body


def _say_when_to_retry(response: Response, retry_at) -> None:
    """A refusal that ends at a known time names it: ``retry_at`` in the body, ``Retry-After`` in seconds."""
    response.data["retry_at"] = format_utc(retry_at)
    response["Retry-After"] = str(max(1, math.ceil((retry_at - timezone.now()).total_seconds())))


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        errors = {exc.field: [str(exc.message)]} if exc.field else None
        response = Response(_body(exc.status, exc.code, exc.message, errors), status=exc.status)
        if exc.retry_at is not None:
            _say_when_to_retry(response, exc.retry_at)
        return response
    if isinstance(exc, OverflowError | DataError):
        # a number beyond what the database stores, sent in a body or a filter
        return Response(_body(400, "out_of_range", _("A number in the request is out of range.")), status=400)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        exc = exceptions.ValidationError(detail)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _body(response.status_code, "invalid", _("Invalid input."), _flatten(exc.detail))
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if not isinstance(code, str):
            code = "error"
        response.data = _body(response.status_code, code, detail)
    return response


ERROR_STATUSES = (
    status.HTTP_400_BAD_REQUEST,
    status.HTTP_401_UNAUTHORIZED,
    status.HTTP_403_FORBIDDEN,
    status.HTTP_404_NOT_FOUND,
    status.HTTP_409_CONFLICT,
)
