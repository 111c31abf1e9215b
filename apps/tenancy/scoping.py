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
#: within one ``active`` scope (a request): (cluster id, kind) -> its partners in force, read once
_PARTNERS_SEEN: ContextVar[dict | None] = ContextVar("tenant_partners_seen", default=None)


def current_cluster_id() -> int | None:
    """The cluster whose request is being served in this context, if any."""
    return _CLUSTER.get()


@contextmanager
def active(cluster_id: int):
    """Within the block, tenant models' default managers show ``cluster_id``'s rows only."""
    token, seen = _CLUSTER.set(int(cluster_id)), _PARTNERS_SEEN.set({})
    try:
        yield
    finally:
        _PARTNERS_SEEN.reset(seen)
        _CLUSTER.reset(token)


class TenantManager(models.Manager):
    """A default manager that follows the tenant scope (``path`` leads to the cluster id:
    ``cluster_id`` for a tenant table, ``proposal__cluster_id`` for a child of one)."""

    #: a class attribute: Django builds related managers by subclassing the default manager's class
    tenant_path = "cluster_id"
    #: a row that is also its partner cluster's (a cross-cluster match or deal): ``partner_cluster_id``
    partner_path = ""

    def get_queryset(self):
        queryset = super().get_queryset()
        cluster_id = _CLUSTER.get()
        if cluster_id is None or enforced(self._db_connection()):
            return queryset
        if self.partner_path:
            return queryset.filter(
                models.Q(**{self.tenant_path: cluster_id}) | models.Q(**{self.partner_path: cluster_id})
            )
        return queryset.filter(**{self.tenant_path: cluster_id})

    def _db_connection(self):
        return connections[self._db or router.db_for_read(self.model)]


#: ``partners(cluster_id) -> {kind: set of cluster ids}`` in force today, provided by apps.partnerships
_PARTNERS = None


def provide_partners(partners) -> None:
    """From the partnerships app's ``ready()``: the clusters partnered with one in force today, by kind."""
    global _PARTNERS
    _PARTNERS = partners


def _partners(cluster_id: int, kind: str) -> set[int]:
    """One query per cluster and scope, whatever the number of kinds (listing models) it reads."""
    if _PARTNERS is None or not kind:
        return set()
    seen = _PARTNERS_SEEN.get()
    if seen is None:
        return _PARTNERS(cluster_id).get(kind, set())
    if cluster_id not in seen:
        seen[cluster_id] = _PARTNERS(cluster_id)
    return seen[cluster_id].get(kind, set())


class PartnerSharedManager(TenantManager):
    """A tenant manager whose rows a partner cluster may also see while shared: the cluster's own
    rows, and another cluster's rows marked ``shared`` when a partnership in force with it covers
    ``partner_kind`` (PostgreSQL's ``partner_visibility`` policy says the same)."""

    shared_flag = "shared_with_partners"
    partner_kind = ""

    def get_queryset(self):
        queryset = models.Manager.get_queryset(self)
        cluster_id = _CLUSTER.get()
        if cluster_id is None or enforced(self._db_connection()):
            return queryset
        kind = self.partner_kind
        if isinstance(kind, dict):  # one manager for several models: the kind by model name
            kind = kind.get(self.model._meta.model_name, "")
        partners = _partners(cluster_id, kind)
        own = models.Q(**{self.tenant_path: cluster_id})
        if not partners:
            return queryset.filter(own)
        shared = models.Q(**{self.shared_flag: True, f"{self.tenant_path}__in": sorted(partners)})
        return queryset.filter(own | (shared & ~models.Q(status="draft")))


def tenant_manager(
    queryset=models.QuerySet, path: str = "cluster_id", partner_kind: str | dict = "", partner_path: str = ""
) -> TenantManager:
    """The default manager of a tenant model, with the model's own queryset methods; with
    ``partner_kind`` (a kind, or model name -> kind), its shared rows are visible to partner clusters
    too (``PartnerSharedManager``);
    with ``partner_path``, a row is its partner cluster's too (a cross-cluster match or deal)."""
    base = PartnerSharedManager if partner_kind else TenantManager
    manager_class = base.from_queryset(queryset)
    attrs = {}
    if path != TenantManager.tenant_path:
        attrs["tenant_path"] = path
    if partner_kind:
        attrs["partner_kind"] = partner_kind
    if partner_path:
        attrs["partner_path"] = partner_path
    if attrs:
        manager_class = type(manager_class.__name__, (manager_class,), attrs)
    return manager_class()
