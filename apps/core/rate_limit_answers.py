"""A rate-limited API call is told so in JSON, and when to come back.

allauth's headless API answers its rate limits with ``{"status": 429}`` and no
``Retry-After``; anything else that answers 429 on the way (a lockout, a throttle) may be
plain text. Under ``/api/`` and ``/_allauth/`` every 429 leaves as JSON in that API's error
format, with ``Retry-After``.
"""

from allauth.account import app_settings as account_settings
from allauth.core.internal.ratelimit import parse_rates
from django.http import JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
ALLAUTH_PREFIX = "/_allauth/"


def longest_rate_window() -> int:
    """Seconds after which every configured allauth rate limit has surely let go."""
    windows = [rate.duration for rates in account_settings.RATE_LIMITS.values() for rate in parse_rates(rates)]
    return int(max(windows, default=60))


class RateLimitAnswerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 429 or not request.path.startswith((API_PREFIX, ALLAUTH_PREFIX)):
            return response
        if not response.get("Content-Type", "").startswith("application/json"):
            response = self._json(request, response)
        if not response.has_header("Retry-After"):
            response["Retry-After"] = str(longest_rate_window())
        return response

    @staticmethod
    def _json(request, original):
        message = _("Too many requests. Try again later.")
        if request.path.startswith(ALLAUTH_PREFIX):  # allauth's own format
            body = {"status": 429, "errors": [{"message": message, "code": "too_many_requests"}]}
        else:
            body = {"status": 429, "code": "throttled", "detail": message}
        response = JsonResponse(body, status=429)
        if original.has_header("Retry-After"):
            response["Retry-After"] = original["Retry-After"]
        return response
