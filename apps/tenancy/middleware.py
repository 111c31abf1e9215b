"""Run every request addressed to one cluster inside that cluster's row-level security scope."""

import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.urls import Resolver404, resolve

from apps.accounts import sessions
from apps.accounts.selectors import user_read
from apps.core import generations, readahead
from apps.core.middleware import DATABASE_ERRORS, database_unavailable, database_unreachable

from . import pages, scoping
from .rls import enforced, tenant_scope
from .selectors import cluster_by_slug, cluster_id_hint, cluster_read, roles_read


@functools.lru_cache(maxsize=4096)
def cluster_route_of(path: str) -> tuple[str, object] | None:
    """The cluster slug a URL addresses (``/clusters/<slug>/…`` pages, ``/api/v1/clusters/<slug>/…``),
    and the view that answers it.

    Remembered per path: the hot paths (a cluster's market, its dashboard) repeat.
    """
    if "/clusters/" not in path:
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if "clusters/" not in match.route:
        return None
    slug = match.kwargs.get("cluster_slug") or match.kwargs.get("slug")
    return (slug, match.func) if slug else None


def cluster_slug_of(path: str) -> str | None:
    route = cluster_route_of(path)
    return route[0] if route else None


def keys_to_read_ahead(request, slug: str, view) -> list[str]:
    """Every cache key the request is likely to read, so that they come in one round trip:
    the cluster and the caller's session; with what earlier requests taught this process
    (the session's user, the cluster's id), the user and their roles; and whatever the view
    declares (``read_ahead(request, cluster_id=…, user_id=…)`` on its class, such as a market page)."""
    keys = [*_keys(*cluster_read(slug))]
    session_key = request.headers.get("X-Session-Token") or request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return keys
    keys.append(sessions.cache_key_of(session_key))
    user_id, cluster_id = _user_id(sessions.user_id_hint(session_key)), cluster_id_hint(slug)
    if user_id is not None:
        keys += _keys(*user_read(user_id))
    if cluster_id is None or user_id is None:
        return keys
    keys += _keys(*roles_read(cluster_id, user_id))
    read_ahead = getattr(getattr(view, "cls", None), "read_ahead", None)
    if read_ahead is not None:  # a cached answer is the caller's own: its key names the user
        keys += read_ahead(request, cluster_id=cluster_id, user_id=user_id)
    return keys


def _keys(scopes, variant) -> list[str]:
    generation_keys, slot = generations.keys_of(scopes, variant)
    return [*generation_keys, slot]


def _user_id(hint):
    if hint is None:
        return None
    try:
        return get_user_model()._meta.pk.to_python(hint)
    except ValidationError:
        return None


#: methods that change nothing: on SQLite they need no request-long transaction (and its write lock)
READS = frozenset({"GET", "HEAD"})


class TenantScopeMiddleware:
    """Wraps a cluster's requests in ``tenant_scope``: one transaction, bound to the cluster,
    with the tenant models' managers scoped to it (``scoping``); a page is admitted to the
    cluster by the roles it declares (``pages``) before it runs.

    The transaction is rolled back when the response is an error (4xx/5xx), so a refused
    request never leaves half a change behind. Requests that address no cluster, or an
    unknown one (the view answers 404), pass through unchanged. The request's cache reads
    are fetched ahead, in one round trip (``keys_to_read_ahead``).

    On SQLite there is no row-level security to bind, and a transaction takes the write lock
    when it begins (``transaction_mode`` IMMEDIATE, settings ``tuned``): a read (GET, HEAD)
    runs without one, so reads never queue behind each other or the worker's writes; a
    write still runs in one transaction, rolled back on an error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        route = cluster_route_of(request.path_info)
        if route is None:
            return self.get_response(request)
        slug, view = route
        try:
            with readahead.reading(keys_to_read_ahead(request, slug, view)):
                cluster = cluster_by_slug(slug)
                if cluster is None:
                    return self.get_response(request)
                request.tenant_cluster = cluster  # the views reuse it instead of reading it again
                if request.method in READS and not enforced():
                    with scoping.active(cluster.pk):
                        return self.get_response(request)
                with tenant_scope(cluster.pk):
                    with scoping.active(cluster.pk):
                        response = self.get_response(request)
                    if response.status_code >= 400:
                        transaction.set_rollback(True)
        except DATABASE_ERRORS as exc:
            if not database_unreachable(exc):
                raise  # a statement failed on a live database: Django logs it and answers 500
            return database_unavailable(request, exc)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """A page of a cluster admits its caller here, before it runs (``pages.admit``); the
        API's viewsets check their own ``required_roles``."""
        if getattr(view_func, "cls", None) is not None or cluster_route_of(request.path_info) is None:
            return None
        return pages.admit(request, view_func, getattr(request, "tenant_cluster", None))


@receiver(setting_changed)
def _forget_paths(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        cluster_route_of.cache_clear()
