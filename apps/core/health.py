"""Readiness checks for /health/: database, cache and broker, each with a short timeout.

What went wrong (an exception's text, which names hosts and ports) is for platform staff
and DEBUG only; everyone else learns which check is down.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    """A cache that is away answers as a miss (``apps.core.cache``): the probe reads nothing back."""
    cache.set("health:probe", "ok", 10)
    if cache.get("health:probe") != "ok":
        reason = getattr(cache, "unavailable_reason", "")
        raise RuntimeError(reason or "cache did not return the value just written")


def check_broker() -> None:
    from cluster_platform.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


def run_checks(*, with_errors: bool = False) -> dict[str, dict[str, str]]:
    """Each check's status; with its error too when ``with_errors`` (staff) or DEBUG."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:
            results[name] = {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            results[name] = {"status": "up"}
    if not (with_errors or settings.DEBUG):
        for result in results.values():
            result.pop("error", None)
    return results
