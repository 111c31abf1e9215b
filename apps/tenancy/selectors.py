"""Reads of the tenancy app. Every tenant query is built here from a cluster."""

import functools

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from apps.core.errors import NotFoundError

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
    cluster = known if known is not None and known.slug == slug else Cluster.objects.filter(slug=slug).first()
    if cluster is None:
        raise NotFoundError()
    if not cluster.is_active and not (user is not None and user.is_authenticated and user.is_staff):
        raise NotFoundError()
    return cluster


def cluster_detail(*, slug: str, user=None) -> Cluster:
    """``cluster_get`` with the figures the cluster's page and API show (its administrator count)."""
    cluster = cluster_get(slug=slug, user=user)
    cluster.administrator_count = ClusterRole.objects.filter(
        cluster=cluster, role=ClusterRole.Role.ADMINISTRATOR
    ).count()
    return cluster


def cluster_roles_for(*, user, cluster: Cluster) -> frozenset[str]:
    """The roles ``user`` holds in ``cluster`` (empty for anonymous users), in one query.

    Besides the appointed roles (``administrator``): ``member`` when one of the user's
    enterprises is an active member of the cluster, and ``authenticated`` for any
    signed-in user (for actions such as applying, checked further per object), and
    ``council`` for the holder of a seat whose term covers now.

    Every tenant request asks this, so it is one hand-written statement (the ORM spent
    five times longer composing the equivalent ``Exists`` subqueries than the database
    took to answer); ``tests/tenancy/test_roles.py`` holds it to the models' meaning.
    """
    if user is None or not user.is_authenticated:
        return frozenset()
    with connection.cursor() as cursor:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.execute(_roles_sql(), {"cluster": cluster.pk, "user": user.pk, "now": now})
        return frozenset({AUTHENTICATED, *(role for (role,) in cursor.fetchall())})


@functools.cache
def _roles_sql() -> str:
    from apps.governance.models import Seat
    from apps.membership.models import EnterpriseMember, Membership

    q = connection.ops.quote_name
    role, membership, person, seat = (q(m._meta.db_table) for m in (ClusterRole, Membership, EnterpriseMember, Seat))
    return f"""
        SELECT r.role FROM {role} r WHERE r.cluster_id = %(cluster)s AND r.user_id = %(user)s
        UNION ALL
        SELECT '{MEMBER}' WHERE EXISTS (
            SELECT 1 FROM {membership} m JOIN {person} p ON p.enterprise_id = m.enterprise_id
            WHERE m.cluster_id = %(cluster)s AND p.user_id = %(user)s AND m.status = '{Membership.Status.ACTIVE}'
        )
        UNION ALL
        SELECT '{COUNCIL}' WHERE EXISTS (
            SELECT 1 FROM {seat} s
            WHERE s.cluster_id = %(cluster)s AND s.holder_id = %(user)s AND s.removed_at IS NULL
              AND s.term_start <= %(now)s AND s.term_end > %(now)s
        )
    """


def cluster_administrators(*, cluster: Cluster) -> QuerySet[ClusterRole]:
    return (
        ClusterRole.objects.filter(cluster=cluster, role=ClusterRole.Role.ADMINISTRATOR)
        .select_related("user", "appointed_by")
        .order_by("created_at", "pk")
    )


def user_cluster_roles(*, user) -> QuerySet[ClusterRole]:
    """Every role of ``user`` across clusters (for /me/ and navigation)."""
    return ClusterRole.objects.filter(user=user).select_related("cluster").order_by("cluster__name_en", "role")
