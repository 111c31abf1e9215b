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
"""

CLUSTERS = "clusters"
ACCESS = "access"


def access_scope(cluster_id: int) -> str:
    return f"access:{cluster_id}"


def watch_access() -> None:
    """Connect the models whose rows decide a cluster or a role (called once, at start-up)."""
    from apps.core.generations import watch
    from apps.governance.models import Seat
    from apps.membership.models import EnterpriseMember, Membership

    from .models import Cluster, ClusterRole

    watch(Cluster, scopes=lambda cluster: (CLUSTERS,), bulk=CLUSTERS)
    for model in (ClusterRole, Membership, Seat):
        watch(model, scopes=lambda row: (access_scope(row.cluster_id),), bulk=ACCESS)
    watch(EnterpriseMember, scopes=lambda person: (ACCESS,), bulk=ACCESS)
