"""The application's half of tenant isolation: inside a cluster's request, the default
manager of every tenant model shows that cluster's rows only.

PostgreSQL enforces this with row-level security (``rls``); on SQLite nothing would, and a
page whose author forgot ``.filter(cluster=…)`` would show every cluster's rows. So a tenant
model's default manager is a ``TenantManager``: while ``TenantScopeMiddleware`` serves a
request addressed to one cluster (``active``), its querysets carry the cluster's filter,
through the parent for a child table (votes through their proposal), exactly as the
row-level policies do. Outside a request (workers, beat, management commands, tests that
call services) nothing is filtered. Where row-level security is enforced the database does
the work and the filter is left out, so the queries PostgreSQL plans are unchanged.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections, models, router

from .rls import enforced

_CLUSTER: ContextVar[int | None] = ContextVar("tenant_cluster_id", default=None)


def current_cluster_id() -> int | None:
    """The cluster whose request is being served in this context, if any."""
    return _CLUSTER.get()


@contextmanager
def active(cluster_id: int):
    """Within the block, tenant models' default managers show ``cluster_id``'s rows only."""
    token = _CLUSTER.set(int(cluster_id))
    try:
        yield
    finally:
        _CLUSTER.reset(token)


class TenantManager(models.Manager):
    """A default manager that follows the tenant scope (``path`` leads to the cluster id:
    ``cluster_id`` for a tenant table, ``proposal__cluster_id`` for a child of one)."""

    #: a class attribute: Django builds related managers by subclassing the default manager's class
    tenant_path = "cluster_id"

    def get_queryset(self):
        queryset = super().get_queryset()
        cluster_id = _CLUSTER.get()
        if cluster_id is None or enforced(self._db_connection()):
            return queryset
        return queryset.filter(**{self.tenant_path: cluster_id})

    def _db_connection(self):
        return connections[self._db or router.db_for_read(self.model)]


def tenant_manager(queryset=models.QuerySet, path: str = "cluster_id") -> TenantManager:
    """The default manager of a tenant model, with the model's own queryset methods."""
    manager_class = TenantManager.from_queryset(queryset)
    if path != TenantManager.tenant_path:
        manager_class = type(manager_class.__name__, (manager_class,), {"tenant_path": path})
    return manager_class()
