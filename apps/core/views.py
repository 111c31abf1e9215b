from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import run_checks
from .middleware import DATABASE_ERRORS, is_api


@never_cache
@require_GET
def health(request):
    """200 when database, cache and broker answer; 503 naming what is down (and why, to staff)."""
    results = run_checks(with_errors=_is_staff(request))
    down = sorted(name for name, result in results.items() if result["status"] != "up")
    body = {"status": "down" if down else "up", "down": down, "checks": results}
    return JsonResponse(body, status=503 if down else 200)


def _is_staff(request) -> bool:
    """Whether the caller is signed-in platform staff; with the database away, nobody is."""
    try:
        return bool(request.user.is_authenticated and request.user.is_staff)
    except DATABASE_ERRORS:
        return False


def _api_error(status: int, code: str, detail) -> JsonResponse:
    return JsonResponse({"status": status, "code": code, "detail": str(detail)}, status=status)


def bad_request(request, exception=None):
    """400 raised by Django itself (a malformed or oversized body): the API's format under /api/."""
    if is_api(request):
        return _api_error(400, "bad_request", _("The request body could not be read."))
    return defaults.bad_request(request, exception)


def not_found(request, exception=None):
    """404: the API's error format under /api/, the site's page elsewhere."""
    if is_api(request):
        return _api_error(404, "not_found", _("Not found."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return _api_error(500, "server_error", _("Server error."))
    return defaults.server_error(request)


def ping(request):
    """The trivial JSON view: the ceiling a load test compares real endpoints with."""
    return JsonResponse({"pong": True})
