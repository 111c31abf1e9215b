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
