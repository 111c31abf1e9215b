"""``Idempotency-Key`` on the API's POSTs: a retry creates nothing twice.

A client that sends ``Idempotency-Key: <token>`` (1–255 printable ASCII characters) with a
POST under ``/api/v1/`` may send the same request again, with the same key, as often as it
needs: the first that succeeds runs; the others are answered its stored answer (the same
status and body, with ``Idempotent-Replayed: true``), for 24 hours
(``IDEMPOTENCY_KEY_HOURS``). Keys belong to the signed-in user: another user's key is theirs.

- The same key with another body, or on another path, is a 422 naming ``Idempotency-Key``:
  a key stands for one request.
- The same key while its first request is still running is a 409 (retry later).
- Only a success (2xx) is kept. A request that failed changed nothing (a cluster's request
  runs in one transaction, rolled back on an error), so its key is free to be retried.
- Anonymous requests pass through (the view answers 401).

The keys are kept in the database (``IdempotencyKey``), not the cache: the cache may be away
(``apps.core.cache``), and a retry must not create a second order then. Expired keys are
deleted by beat (``core.purge_idempotency_keys``) and ignored meanwhile.
"""

import datetime
import hashlib
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
_VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")
#: a first request that has run this long without an answer died with its process: its key is free again
ABANDONED_AFTER = datetime.timedelta(minutes=5)


def _expiry() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)


def _error(status: int, code: str, detail: str, message: str):
    body = {"status": status, "code": code, "detail": detail, "errors": {HEADER: [message]}}
    return JsonResponse(body, status=status)


def _caller_id(request) -> int | None:
    """The user the API will authenticate: ``X-Session-Token``'s, else the session's."""
    token = request.headers.get("X-Session-Token")
    if token:
        from allauth.core.internal.sessionkit import get_session_user

        from .api.authentication import _token_strategy

        session = _token_strategy().lookup_session(token)
        user = get_session_user(session) if session is not None else None
    else:
        user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def fingerprint_of(request) -> str:
    digest = hashlib.sha256(request.method.encode())
    digest.update(b"\0" + request.path.encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status, content_type=record.content_type or None)
    response["Idempotent-Replayed"] = "true"
    return response


def _claim(*, user_id: int, key: str, request) -> IdempotencyKey | HttpResponse:
    """The new record of this key (the request runs), or the answer that replaces running it."""
    fingerprint, now = fingerprint_of(request), timezone.now()
    IdempotencyKey.objects.filter(user_id=user_id, key=key, created_at__lt=now - _expiry()).delete()
    IdempotencyKey.objects.filter(
        user_id=user_id, key=key, status__isnull=True, created_at__lt=now - ABANDONED_AFTER
    ).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                user_id=user_id,
                key=key,
                fingerprint=fingerprint,
                method=request.method,
                path=request.path[:1000],
                created_at=now,
            )
    except IntegrityError:
        existing = IdempotencyKey.objects.filter(user_id=user_id, key=key).first()
    if existing is None:  # deleted meanwhile: the other request failed; this one may run
        return _claim(user_id=user_id, key=key, request=request)
    if existing.fingerprint != fingerprint:
        return _error(
            422,
            "idempotency_key_reused",
            _("This Idempotency-Key was used for another request."),
            _("This key was sent with another body or path (%(method)s %(path)s): use a new key for a new request.")
            % {"method": existing.method, "path": existing.path},
        )
    if existing.status is None:
        return _error(
            409,
            "idempotency_key_in_use",
            _("A request with this Idempotency-Key is still running."),
            _("The first request with this key has not answered yet: retry in a moment."),
        )
    return _replay(existing)


class IdempotencyKeyMiddleware:
    """Outside the cluster's transaction (``TenantScopeMiddleware``), so a key is claimed
    before the request runs and its answer kept after it committed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/v1/"):
            return self.get_response(request)
        if not _VALID_KEY.fullmatch(key):
            return _error(
                400,
                "invalid",
                _("Invalid input."),
                _("An Idempotency-Key is 1 to 255 printable ASCII characters, without spaces."),
            )
        user_id = _caller_id(request)
        if user_id is None:
            return self.get_response(request)
        claimed = _claim(user_id=user_id, key=key, request=request)
        if isinstance(claimed, HttpResponse):
            return claimed
        try:
            response = self.get_response(request)
        except BaseException:
            claimed.delete()
            raise
        if 200 <= response.status_code < 300 and not getattr(response, "streaming", False):
            claimed.status = response.status_code
            claimed.content_type = response.get("Content-Type", "")[:100]
            claimed.body = response.content
            claimed.save(update_fields=["status", "content_type", "body"])
        else:
            claimed.delete()
        return response


def purge_expired(*, now=None) -> int:
    """Delete the keys older than ``IDEMPOTENCY_KEY_HOURS``."""
    cutoff = (now or timezone.now()) - _expiry()
    return IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()[0]
