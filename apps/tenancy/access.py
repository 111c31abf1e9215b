"""What every tenant request asks before it does anything: which cluster, and the caller's
roles there. Both are read from the cache, under generation counters that the models
bump whenever an answer could change (``apps.core.generations``).

* ``CLUSTERS`` changes with any cluster (created, renamed, suspended, deleted).
* ``access_scope(cluster_id)`` changes with an appointed role, a membership or a council
  seat of that cluster; ``ACCESS`` with a person joining or leaving an enterprise (which
  changes the person's membership of every cluster the enterprise belongs to) and with
  any bulk write to those tables.

A revoked role, a suspended membership or a removed seat is therefore refused on the very
next request (``tests/tenancy/test_access_cache.py`` proves each through the API).

Tenancy appoints only ``administrator`` itself. The other roles belong to the apps whose rows
grant them (``member``: membership; ``council``: governance): each provides a ``RoleSource``
from its ``AppConfig.ready()`` with ``provide_roles``, and ``roles_sql`` joins every source into
the one statement that ``selectors.cluster_roles_for`` sends on a cache miss;
``all_clusters_roles_sql`` joins the same sources for one user across every cluster (``/me/``).
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

CLUSTERS = "clusters"
ACCESS = "access"


def access_scope(cluster_id: int) -> str:
    return f"access:{cluster_id}"


@dataclass(frozen=True)
class RoleSource:
    """Where an app's role comes from.

    ``sql(on_cluster)`` returns one SELECT of three columns: the cluster's id, the role held there
    (or NULL) and, for a role that starts or ends by itself, the next such moment (or NULL), for
    the caller ``%(user)s`` at ``%(now)s``, in the clusters that ``on_cluster(column)`` admits:
    the source puts that condition, on the column that holds its rows' cluster id, in its WHERE
    (one cluster, ``%(cluster)s``, for ``roles_sql``; every cluster for ``all_clusters_roles_sql``). ``timed`` says the second column is a timestamp (such
    sources come first in the union, which takes its column types from its first member).
    A saved or deleted row of ``cluster_models`` (which have a ``cluster_id``) changes that
    cluster's access; one of ``shared_models`` changes every cluster's.
    """

    sql: Callable[[Callable[[str], str]], str]
    cluster_models: tuple = ()
    shared_models: tuple = ()
    timed: bool = False


_SOURCES: list[RoleSource] = []


def _appointed_roles(on_cluster: Callable[[str], str]) -> str:
    from django.db import connection

    from .models import ClusterRole

    role = connection.ops.quote_name(ClusterRole._meta.db_table)
    return f"""
        SELECT r.cluster_id, r.role, NULL FROM {role} r WHERE {on_cluster("r.cluster_id")} AND r.user_id = %(user)s"""


def provide_roles(source: RoleSource) -> None:
    """Add ``source`` to the roles query and watch its models (from an ``AppConfig.ready()``)."""
    from apps.core.generations import watch

    _SOURCES.append(source)
    roles_sql.cache_clear()
    all_clusters_roles_sql.cache_clear()
    for model in source.cluster_models:
        watch(model, scopes=lambda row: (access_scope(row.cluster_id),), bulk=ACCESS)
    for model in source.shared_models:
        watch(model, scopes=lambda row: (ACCESS,), bulk=ACCESS)


def _one_cluster(column: str) -> str:
    return f"{column} = %(cluster)s"


def _every_cluster(column: str) -> str:
    return f"{column} IS NOT NULL"


def _union(on_cluster: Callable[[str], str]) -> str:
    sources = sorted(_SOURCES, key=lambda source: not source.timed)  # stable: timed first, else as provided
    return "\n        UNION ALL".join(source.sql(on_cluster) for source in sources)


@functools.cache
def roles_sql() -> str:
    """One row per role held in ``%(cluster)s``, from every source: (cluster id, role, next boundary)."""
    return _union(_one_cluster)


@functools.cache
def all_clusters_roles_sql() -> str:
    """``roles_sql`` for every cluster at once: one row per (cluster id, role, next boundary) of ``%(user)s``."""
    return _union(_every_cluster)


def watch_access() -> None:
    """Connect tenancy's own models and provide the appointed roles (called once, at start-up)."""
    from apps.core.generations import watch

    from .models import Cluster, ClusterRole

    watch(Cluster, scopes=lambda cluster: (CLUSTERS,), bulk=CLUSTERS)
    provide_roles(RoleSource(sql=_appointed_roles, cluster_models=(ClusterRole,)))
