"""Reads of the tenancy app. Every tenant query is built here from a cluster."""

from django.db.models import Count, Q, QuerySet

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


def cluster_get(*, slug: str, user=None) -> Cluster:
    """The cluster the caller may see, or NotFoundError (never reveals hidden clusters)."""
    cluster = Cluster.objects.filter(slug=slug).first()
    if cluster is None:
        raise NotFoundError()
    if not cluster.is_active and not (user is not None and user.is_authenticated and user.is_staff):
        raise NotFoundError()
    return cluster


def cluster_roles_for(*, user, cluster: Cluster) -> frozenset[str]:
    """The roles ``user`` holds in ``cluster`` (empty for anonymous users).

    Besides the appointed roles (``administrator``): ``member`` when one of the user's
    enterprises is an active member of the cluster, and ``authenticated`` for any
    signed-in user (for actions such as applying, checked further per object), and
    ``council`` for the holder of a seat whose term covers now.
    """
    if user is None or not user.is_authenticated:
        return frozenset()
    from apps.membership.selectors import user_is_active_member

    roles = set(ClusterRole.objects.filter(cluster=cluster, user=user).values_list("role", flat=True))
    roles.add(AUTHENTICATED)
    if user_is_active_member(user=user, cluster=cluster):
        roles.add(MEMBER)
    from apps.governance.selectors import seats_of

    if seats_of(user=user, cluster=cluster):
        roles.add(COUNCIL)
    return frozenset(roles)


def cluster_administrators(*, cluster: Cluster) -> QuerySet[ClusterRole]:
    return (
        ClusterRole.objects.filter(cluster=cluster, role=ClusterRole.Role.ADMINISTRATOR)
        .select_related("user", "appointed_by")
        .order_by("created_at", "pk")
    )


def user_cluster_roles(*, user) -> QuerySet[ClusterRole]:
    """Every role of ``user`` across clusters (for /me/ and navigation)."""
    return ClusterRole.objects.filter(user=user).select_related("cluster").order_by("cluster__name_en", "role")
