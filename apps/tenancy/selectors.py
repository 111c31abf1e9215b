"""Reads of the tenancy app. Every tenant query is built here from a cluster."""

import datetime

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.accounts.selectors import user_scopes
from apps.core import generations
from apps.core.errors import NotFoundError

from .access import ACCESS, CLUSTERS, access_scope, all_clusters_roles_sql, roles_sql
from .models import Cluster, ClusterRole

ADMINISTRATOR = ClusterRole.Role.ADMINISTRATOR.value
MEMBER = "member"
AUTHENTICATED = "authenticated"
COUNCIL = "council"


def cluster_list(*, user=None, status: str | None = None) -> QuerySet[Cluster]:
    """Active clusters for everyone; platform staff may list any status."""
    qs = Cluster.objects.annotate(
        administrator_count=Count("roles", filter=Q(roles__role=ClusterRole.Role.ADMINISTRATOR))
    )
    if user is not None and user.is_authenticated and user.is_staff:
        return qs.filter(status=status) if status else qs
    return qs.filter(status=Cluster.Status.ACTIVE)


def cluster_get(*, slug: str, user=None, known: Cluster | None = None) -> Cluster:
    """The cluster the caller may see, or NotFoundError (never reveals hidden clusters).

    ``known`` is the cluster already read for this request (by ``TenantScopeMiddleware``).
    """
    cluster = known if known is not None and known.slug == slug else cluster_by_slug(slug)
    if cluster is None:
        raise NotFoundError()
    if not cluster.is_active and not (user is not None and user.is_authenticated and user.is_staff):
        raise NotFoundError()
    return cluster


#: seconds a cached cluster or set of roles may live (changes are seen at once regardless)
ACCESS_TTL = 300


#: slug -> id of the clusters this process has read (a hint for ``access_reads``; ids never change)
_CLUSTER_IDS: dict[str, int] = {}


def cluster_read(slug: str) -> tuple[tuple[str, ...], str]:
    """The scopes and variant under which the cluster at ``slug`` is cached."""
    return (CLUSTERS,), f"cluster:{slug}"


def roles_read(cluster_id: int, user_id: int) -> tuple[tuple[str, ...], str]:
    """The scopes and variant under which a user's roles in a cluster are cached."""
    return (access_scope(cluster_id), ACCESS, *user_scopes(user_id)), f"roles:{cluster_id}:{user_id}"


def cluster_by_slug(slug: str) -> Cluster | None:
    """The cluster at ``slug`` (any status), or None. Read from the cache until any cluster changes."""
    found = generations.cached(
        *cluster_read(slug), lambda: Cluster.objects.filter(slug=slug).first() or False, ttl=ACCESS_TTL
    )
    if found and _CLUSTER_IDS.get(slug) != found.pk:
        if len(_CLUSTER_IDS) >= 10_000:
            _CLUSTER_IDS.clear()
        _CLUSTER_IDS[slug] = found.pk
    return found or None


def cluster_id_hint(slug: str) -> int | None:
    return _CLUSTER_IDS.get(slug)


def cluster_detail(*, slug: str, user=None) -> Cluster:
    """``cluster_get`` with the figures the cluster's page and API show (its administrator count)."""
    cluster = cluster_get(slug=slug, user=user)
    cluster.administrator_count = ClusterRole.objects.filter(
        cluster=cluster, role=ClusterRole.Role.ADMINISTRATOR
    ).count()
    return cluster


def cluster_roles_for(*, user, cluster: Cluster) -> frozenset[str]:
    """The roles ``user`` holds in ``cluster`` (empty for anonymous users).

    Besides the appointed roles (``administrator``): ``member`` when one of the user's
    enterprises is an active member of the cluster, and ``authenticated`` for any
    signed-in user (for actions such as applying, checked further per object), and
    ``council`` for the holder of a seat whose term covers now.

    Every tenant request asks this, so the answer is cached until a role, membership, seat
    or person of the cluster changes (``access``), or until the next council term starts
    or ends; on a miss it is one hand-written statement (the ORM spent five times longer
    composing the equivalent ``Exists`` subqueries than the database took to answer).
    The statement joins what each role's owner provides (``access.provide_roles``: membership the
    ``member`` role, governance ``council``); ``tests/tenancy/test_roles.py`` holds it to the
    models' meaning.
    """
    if user is None or not user.is_authenticated:
        return frozenset()
    roles, _until = generations.cached(
        *roles_read(cluster.pk, user.pk),
        lambda: _roles_from_database(user_id=user.pk, cluster_id=cluster.pk),
        ttl=ACCESS_TTL,
        valid=lambda value: value[1] is None or timezone.now() < value[1],
    )
    return roles


def _roles_from_database(*, user_id: int, cluster_id: int) -> tuple[frozenset[str], datetime.datetime | None]:
    """The roles, and when the answer next changes by itself (a council term starting or ending)."""
    with connection.cursor() as cursor:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.execute(roles_sql(), {"cluster": cluster_id, "user": user_id, "now": now})
        rows = cursor.fetchall()
    roles = frozenset({AUTHENTICATED, *(role for _cluster, role, _boundary in rows if role)})
    boundaries = [_as_datetime(boundary) for _cluster, _role, boundary in rows if boundary is not None]
    return roles, min(boundaries, default=None)


def _as_datetime(value) -> datetime.datetime:
    """A timestamp from a raw query: a datetime on PostgreSQL, text on SQLite (stored in UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)


#: the order /me/ lists a cluster's roles in
ROLE_ORDER = (ADMINISTRATOR, COUNCIL, MEMBER)


def user_clusters_with_roles(*, user) -> list[dict]:
    """Every cluster where ``user`` holds a role, with those roles (``{"cluster", "roles"}``) (``cluster_roles_for``'s, without
    ``authenticated``), ordered by cluster name: two statements whatever the number of clusters,
    the roles of every source at once (``access.all_clusters_roles_sql``), then the clusters.

    Only active clusters, except for platform staff (who may see any), as ``cluster_get`` does.
    """
    if user is None or not user.is_authenticated:
        return []
    with connection.cursor() as cursor:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.execute(all_clusters_roles_sql(), {"user": user.pk, "now": now})
        rows = cursor.fetchall()
    held: dict[int, set[str]] = {}
    for cluster_id, role, _boundary in rows:
        if role:
            held.setdefault(cluster_id, set()).add(role)
    if not held:
        return []
    clusters = Cluster.objects.filter(pk__in=held)
    if not user.is_staff:
        clusters = clusters.filter(status=Cluster.Status.ACTIVE)
    rank = {role: index for index, role in enumerate(ROLE_ORDER)}
    return [
        {"cluster": cluster, "roles": sorted(held[cluster.pk], key=lambda role: (rank.get(role, len(rank)), role))}
        for cluster in sorted(clusters, key=lambda cluster: (str(cluster.name).casefold(), cluster.pk))
    ]


def cluster_administrators(*, cluster: Cluster) -> QuerySet[ClusterRole]:
    return (
        ClusterRole.objects.filter(cluster=cluster, role=ClusterRole.Role.ADMINISTRATOR)
        .select_related("user", "appointed_by")
        .order_by("created_at", "pk")
    )


def user_cluster_roles(*, user) -> QuerySet[ClusterRole]:
    """Every appointed role (``ClusterRole``) of ``user`` across clusters (/me/'s ``roles``, navigation);
    the roles held through a membership or a seat are ``user_clusters_with_roles``'."""
    return ClusterRole.objects.filter(user=user).select_related("cluster").order_by("cluster__name_en", "role")
