"""Every URL answers 405 to a method its view does not implement: TRACE, CONNECT, WebDAV's
PROPFIND or a made-up one anywhere, and the standard methods a view has no handler for.

The test walks every URL pattern (pages, the API, allauth, admin, health), anonymous and
signed in as staff, so that neither a login redirect nor a 401 can answer first.
"""

import re

import pytest
from django.urls import URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern

from tests.factories import ClusterFactory, StaffFactory

ODD_METHODS = ["TRACE", "CONNECT", "PROPFIND", "BREW"]
STANDARD_WITHOUT_BODY_EFFECTS = ["PUT", "PATCH", "DELETE", "OPTIONS"]
SAMPLES = {"slug": "{slug}", "cluster_slug": "{slug}", "kind": "order", "app_label": "auth", "url": "x"}


def _patterns(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + _route(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, route)
        else:
            yield route, pattern.callback


def _route(pattern) -> str:
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = text.removeprefix("^").removesuffix("$")
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "<" + m.group(1) + ">", text)
        text = text.replace("\\.", ".").replace("/?", "/")
    return text


def _path(route: str, slug: str) -> str:
    def sample(match):
        name = match.group(1).split(":")[-1]
        return SAMPLES.get(name, "1" if name in {"pk", "id"} or name.endswith(("_pk", "_id")) else "x")

    return "/" + re.sub(r"<([\w:]+)>", sample, route).format(slug=slug)


def _implemented(view) -> set[str] | None:
    """The methods a class-based view has a handler for among its ``http_method_names``
    (None for a function view)."""
    layer = view
    while layer is not None:
        view_class = getattr(layer, "cls", None) or getattr(layer, "view_class", None)
        if view_class is not None:
            actions = getattr(layer, "actions", None)
            handlers = actions if actions is not None else [m for m in dir(view_class) if hasattr(view_class, m)]
            methods = {name.upper() for name in handlers if name in view_class.http_method_names}
            return methods | ({"HEAD"} if "GET" in methods else set())
        layer = getattr(layer, "__wrapped__", None)
    return None


def _urls(slug):
    urls = []
    for route, view in _patterns():
        path = _path(route, slug)
        try:
            match = resolve(path.split("?")[0])
        except Exception:  # a route whose sample does not resolve (a format suffix): counted below
            continue
        if match.func is view:
            urls.append((path, view))
    return urls


@pytest.fixture
def urls(db):
    cluster = ClusterFactory()
    found = _urls(cluster.slug)
    assert len(found) >= 0.9 * len(list(_patterns())), "the walk must reach (nearly) every URL pattern"
    return found


class Caller:
    """The test client, anonymous or signed in as staff; signed in again after a DELETE
    (``DELETE /_allauth/…/auth/session`` signs out)."""

    def __init__(self, client, user):
        self.client, self.user = client, user
        client.raise_request_exception = False
        self._sign_in()

    def _sign_in(self):
        if self.user is not None:
            self.client.force_login(self.user)

    def generic(self, method, path):
        response = self.client.generic(method, path)
        if method == "DELETE":
            self._sign_in()
        return response


@pytest.fixture(params=["anonymous", "staff"])
def caller(request, client, db):
    return Caller(client, StaffFactory() if request.param == "staff" else None)


@pytest.mark.django_db
def test_methods_nobody_implements_are_405_on_every_url(urls, caller):
    wrong = []
    for path, _view in urls:
        for method in ODD_METHODS:
            response = caller.generic(method, path)
            if response.status_code != 405:
                wrong.append((method, path, response.status_code))
    assert not wrong, wrong[:20]


@pytest.mark.django_db
def test_standard_methods_a_view_has_no_handler_for_are_405(urls, caller):
    """A class-based view implements its handlers (a viewset route, its router's actions),
    and those are not refused; a function view implements the methods its
    ``require_http_methods`` names, else GET/HEAD/POST; OPTIONS is 405 on DRF (no metadata,
    by design)."""
    wrong = []
    for path, view in urls:
        implemented = _implemented(view)
        is_drf = implemented is not None and hasattr(getattr(view, "cls", None), "metadata_class")
        for method in STANDARD_WITHOUT_BODY_EFFECTS:
            refused = (method == "OPTIONS" and is_drf) or method not in (implemented or {"GET", "HEAD", "POST"})
            response = caller.generic(method, path)
            if refused and response.status_code != 405:
                wrong.append((method, path, response.status_code))
            if not refused and implemented is not None and response.status_code == 405:
                wrong.append((method, path, "refused although the view implements it"))
            if response.status_code == 405:
                assert method not in response["Allow"], (method, path, response["Allow"])
    assert not wrong, wrong[:20]


def test_the_answer_is_the_api_error_format_under_the_api(client):
    response = client.generic("TRACE", "/api/v1/me/")
    assert response.status_code == 405
    assert response.json() == {"status": 405, "code": "method_not_allowed", "detail": 'Method "TRACE" not allowed.'}
    assert response["Allow"] == "GET, HEAD, PATCH"
    page = client.generic("TRACE", "/health/")
    assert page.status_code == 405 and page["Allow"] == "GET"
