"""The database went away: answer 503 (and keep serving once it is back, with no restart).
Methods a view does not implement: 405, everywhere."""

import logging

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from rest_framework.exceptions import MethodNotAllowed

from .methods import STANDARD, allowed_methods

logger = logging.getLogger(__name__)


def is_api(request) -> bool:
    return request.path.startswith(("/api/", "/_allauth/"))


class AllowedMethodsMiddleware:
    """405 for every method the addressed view does not implement (``apps.core.methods``).

    A method outside the standard ones (TRACE, CONNECT, PROPFIND…) is refused before
    anything else runs; any other is refused before the view, so that neither its login
    redirect nor its authentication answers first. The answer names the allowed methods
    (``Allow``) and, under ``/api/`` and ``/_allauth/``, is in the API's error format.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in STANDARD:
            try:
                allowed = allowed_methods(resolve(request.path_info).func)
            except Resolver404:
                allowed = frozenset()
            return method_not_allowed(request, allowed)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        allowed = allowed_methods(view_func)
        if request.method in allowed:
            return None
        return method_not_allowed(request, allowed)


def method_not_allowed(request, allowed) -> HttpResponse:
    allowed = sorted(allowed)
    if is_api(request):
        detail = MethodNotAllowed(request.method[:20]).detail
        response = JsonResponse({"status": 405, "code": "method_not_allowed", "detail": str(detail)}, status=405)
        response["Allow"] = ", ".join(allowed)
        return response
    return HttpResponseNotAllowed(allowed)


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached answers 503 with Retry-After; any other database
    error is left to Django, which logs it with its traceback and answers 500 (the API's
    error format under ``/api/``). Either way the cause is logged once, with the request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS) or not database_unreachable(exception):
            return None
        return database_unavailable(request, exception)


DATABASE_ERRORS = (OperationalError, InterfaceError)
#: PostgreSQL's codes for "cannot reach the database": class 08 (connection exception), the
#: server shutting down or starting (57P01-57P03) and no connection slot left (53300)
UNREACHABLE_PGCODES = frozenset({"57P01", "57P02", "57P03", "53300"})
#: seconds a 503 for an unreachable database asks the caller to wait (``Retry-After``)
RETRY_AFTER_SECONDS = 10


def database_unreachable(exception) -> bool:
    """Whether ``exception`` (a database error) means the database cannot be reached, rather
    than a statement failing on a live one (a lock or statement timeout, a deadlock)."""
    if isinstance(exception, InterfaceError):  # the connection is already closed
        return True
    pgcode = getattr(exception.__cause__, "pgcode", None)
    if pgcode:
        return pgcode.startswith("08") or pgcode in UNREACHABLE_PGCODES
    return not all(_answers(connection) for connection in connections.all(initialized_only=True))


def _answers(connection) -> bool:
    """Whether the connection still reaches its server (after an error without a code)."""
    if connection.connection is None:  # connecting failed
        return False
    if connection.vendor == "postgresql":  # polls the socket: works inside a failed transaction
        return connection.is_usable()
    try:  # SQLite's is_usable() is always True: ask it something
        cursor = connection.create_cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
    except Exception:
        return False
    return True


def database_unavailable(request, exception):
    """503 with Retry-After, after dropping the broken connections (the next request opens fresh ones).

    The cause is logged once per request (the tenant middleware may meet the same outage
    again while it unwinds the request's transaction)."""
    if not getattr(request, "_database_unavailable_logged", False):
        request._database_unavailable_logged = True
        logger.error(
            "database unavailable, answering 503 to %s %s: %s: %s",
            request.method,
            request.path,
            type(exception).__name__,
            str(exception).strip()[:500],
        )
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
        if not connection.is_usable():
            connection.close()
    if is_api(request):
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
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
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
        if is_api(request):
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
