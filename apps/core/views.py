from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import run_checks


@never_cache
@require_GET
def health(request):
    """200 when database, cache and broker answer; 503 naming what is down."""
    results = run_checks()
    down = sorted(name for name, result in results.items() if result["status"] != "up")
    body = {"status": "down" if down else "up", "down": down, "checks": results}
    return JsonResponse(body, status=503 if down else 200)


def _is_api(request) -> bool:
    return request.path.startswith(("/api/", "/_allauth/"))


def not_found(request, exception=None):
    """404: the API's error format under /api/, the site's page elsewhere."""
    if _is_api(request):
        return JsonResponse({"status": 404, "code": "not_found", "detail": "Not found."}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"status": 500, "code": "server_error", "detail": "Server error."}, status=500)
    from django.views.defaults import server_error as page_server_error

    return page_server_error(request)


def ping(request):
    """The trivial JSON view: the ceiling a load test compares real endpoints with."""
    return JsonResponse({"pong": True})
