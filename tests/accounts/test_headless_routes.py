"""Every route of allauth's headless API, with every method, anonymous and signed in: never a 500."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import UserFactory

METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


def _headless_paths() -> list[str]:
    """The concrete paths under /_allauth/ (routes with converters get a plausible value)."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                found.append(prefix + route)

    for top in get_resolver().url_patterns:
        if isinstance(top, URLResolver) and str(top.pattern) == "_allauth/":
            walk(top.url_patterns, "/_allauth/")
    paths = []
    for path in found:
        if "(?:" in path:  # our own refusal of the phone routes: expand its alternatives
            for client in ("app", "browser"):
                for tail in ("account/phone", "auth/phone/verify", "auth/phone/verify/resend"):
                    paths.append(f"/_allauth/{client}/v1/{tail}")
            continue
        paths.append(path.replace("<str:provider_id>", "google").replace("<provider_id>", "google"))
    return sorted(set(paths))


PATHS = _headless_paths()


def test_the_walk_reaches_the_headless_api():
    assert len(PATHS) > 30
    assert "/_allauth/app/v1/auth/login" in PATHS and "/_allauth/browser/v1/account/phone" in PATHS


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_no_headless_route_answers_500(client, db, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    failures = []
    for path in PATHS:
        for method in METHODS:
            kwargs = {"content_type": "application/json", "data": "{}"} if method in ("post", "put", "patch") else {}
            response = getattr(client, method)(path, **kwargs)
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {path} -> {response.status_code}")
    assert not failures, failures


def test_the_phone_routes_are_not_offered(client, db):
    client.force_login(UserFactory())
    for path in ("/_allauth/browser/v1/account/phone", "/_allauth/app/v1/auth/phone/verify"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "not_found"
