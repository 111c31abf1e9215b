"""Run every request addressed to one cluster inside that cluster's row-level security scope."""

import functools

from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.urls import Resolver404, resolve

from apps.core.middleware import DATABASE_ERRORS, database_unavailable

from .rls import tenant_scope
from .selectors import cluster_by_slug


@functools.lru_cache(maxsize=4096)
def cluster_slug_of(path: str) -> str | None:
    """The cluster slug a URL addresses (``/clusters/<slug>/…`` pages, ``/api/v1/clusters/<slug>/…``).

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
    return match.kwargs.get("cluster_slug") or match.kwargs.get("slug")


class TenantScopeMiddleware:
    """Wraps a cluster's requests in ``tenant_scope``: one transaction, bound to the cluster.

    The transaction is rolled back when the response is an error (4xx/5xx), so a refused
    request never leaves half a change behind. Requests that address no cluster, or an
    unknown one (the view answers 404), pass through unchanged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        slug = cluster_slug_of(request.path_info)
        if slug is None:
            return self.get_response(request)
        try:
            cluster = cluster_by_slug(slug)
            if cluster is None:
                return self.get_response(request)
            request.tenant_cluster = cluster  # the views reuse it instead of reading it again
            with tenant_scope(cluster.pk):
                response = self.get_response(request)
                if response.status_code >= 400:
                    transaction.set_rollback(True)
        except DATABASE_ERRORS:
            return database_unavailable(request)
        return response


@receiver(setting_changed)
def _forget_paths(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        cluster_slug_of.cache_clear()
