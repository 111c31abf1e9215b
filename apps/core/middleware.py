"""The database went away: answer 503 (and keep serving once it is back, with no restart)."""

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        return database_unavailable(request)


DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request):
    """503 with Retry-After, after dropping the broken connections (the next request opens fresh ones)."""
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
        if not connection.is_usable():
            connection.close()
    if request.path.startswith(("/api/", "/_allauth/")):
        response = JsonResponse(
            {
                "status": 503,
                "code": "database_unavailable",
                "detail": _("The database is unavailable; try again shortly."),
            },
            status=503,
        )
    else:
        response = HttpResponse(_("The service is briefly unavailable. Please try again in a moment."), status=503)
    response["Retry-After"] = "10"
    return response


class RejectNullCharactersMiddleware:
    """A query parameter carrying a NUL character is a 400 naming it.

    PostgreSQL cannot store or compare NUL (psycopg2 raises ValueError), and nothing the
    platform offers needs one; forms and serializers refuse it in bodies already, this does
    the same for every query parameter (search, filters) before any view runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return self._refuse(request, key.replace("\x00", "\\0"))
        return self.get_response(request)

    @staticmethod
    def _refuse(request, parameter: str):
        message = _("Null characters are not allowed.")
        if request.path.startswith(("/api/", "/_allauth/")):
            return JsonResponse(
                {
                    "status": 400,
                    "code": "invalid",
                    "detail": str(_("Invalid input.")),
                    "errors": {parameter: [str(message)]},
                },
                status=400,
            )
        return HttpResponseBadRequest(message)
