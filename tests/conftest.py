"""Shared fixtures.

Services a test needs (Redis, a browser) are detected once. When absent the test is
skipped with the reason — unless REQUIRE_SERVICES=1 (CI sets it), which turns the skip
into a failure so a green CI run can never hide an untested path.
"""

import os
import shutil

import pytest
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from tests.factories import ClusterFactory, ClusterRoleFactory, StaffFactory, UserFactory

# Property-based tests (the schema fuzzing) draw new examples on every developer's run,
# which is how they find defects; CI draws the same examples each time, so that a merge is
# judged on its own change and not on the luck of the draw (Hypothesis' advice for CI).
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")


def _require_or_skip(available: bool, reason: str) -> None:
    if available:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def redis_reachable() -> tuple[bool, str]:
    url = os.environ.get("REDIS_URL")
    if not url:
        return False, "REDIS_URL is not set: tests that need a real Redis + Celery worker are skipped"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as exc:
        return False, f"Redis at {url} is not answering ({exc})"
    return True, ""


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_runtest_setup(item):
    if item.get_closest_marker("redis"):
        ok, reason = redis_reachable()
        _require_or_skip(ok, reason)
    if item.get_closest_marker("browser"):
        _require_or_skip(
            chromium_path() is not None,
            "no chromium binary found (apt-get install chromium, or set CHROMIUM_PATH): browser tests skipped",
        )


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, config):
    """The coverage figure on one line (``make test`` measures it with pytest-cov; the files'
    report is in var/coverage/), after pytest-cov's own section."""
    plugin = config.pluginmanager.getplugin("_cov")
    total = getattr(plugin, "cov_total", None)
    if total is not None:
        terminalreporter.write_line(
            f"Coverage: {total:.1f} % of the lines in apps/ ran (per file: var/coverage/index.html)"
        )


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def cluster(db):
    return ClusterFactory()


@pytest.fixture
def other_cluster(db):
    return ClusterFactory()


@pytest.fixture
def cluster_admin(cluster):
    return ClusterRoleFactory(cluster=cluster).user


@pytest.fixture
def other_cluster_admin(other_cluster):
    return ClusterRoleFactory(cluster=other_cluster).user


@pytest.fixture
def as_user(api):
    """``as_user(user)`` returns an API client authenticated as ``user`` (or anonymous for None)."""

    def _login(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Reference data comes from a data migration; transactional tests flush it, so reload it.

    Only for tests that use the database; one COUNT query when the data is present.
    """
    names = set(request.fixturenames)
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names or request.node.get_closest_marker("django_db"):
        marker = request.node.get_closest_marker("django_db")
        transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
        request.getfixturevalue("transactional_db" if transactional else "db")
    else:
        return
    from django.apps import apps

    from apps.reference.loader import load_reference_data
    from apps.reference.models import Capability

    if not Capability.objects.exists():
        load_reference_data(apps)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and other cached state never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language():
    """A request through the test client leaves its language active in the thread (the
    LocaleMiddleware activates, nothing deactivates): one test's Chinese page must not make the
    next test's text Chinese."""
    from django.utils import translation

    yield
    translation.deactivate()
