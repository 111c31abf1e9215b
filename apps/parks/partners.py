"""The partner view of parks: a member of a cluster in a partnership in force whose terms open
resources sees and books the resources its partners mark bookable by partners, and nothing else of
theirs. Reads here run in the member's own cluster's scope (``/clusters/<own>/partner-resources/``):
the resources come through the ``partner_bookable`` policy (``sharing``), the member's bookings
across through their ``partner_cluster``. What only the park may read — how much of a resource is
taken when, its rulebook — is read in the park's own scope (``in_park``), after the partnership and
the resource were established in the member's.

Also the two hooks ``lifecycle`` declares, provided from ``ParksConfig.ready()``.
"""

from contextlib import contextmanager

from django.db.models import QuerySet

from apps.membership.models import Membership
from apps.partnerships import selectors as partnerships
from apps.tenancy import scoping
from apps.tenancy.rls import tenant_scope

from .models import Booking, Resource
from .sharing import RESOURCES, partner_bookable


@contextmanager
def in_park(cluster_id: int):
    """The block runs in the park's own scope (row-level security and the managers), then the caller's again."""
    with tenant_scope(cluster_id), scoping.active(cluster_id):
        yield


def partner_check(cluster, enterprise) -> bool:
    """``enterprise`` is an active member of a cluster partnered in force with ``cluster`` on resources."""
    partners = partnerships.partners_in_force(cluster, kind=RESOURCES)
    return (
        bool(partners)
        and Membership.objects.filter(
            enterprise=enterprise, cluster_id__in=partners, status=Membership.Status.ACTIVE
        ).exists()
    )


def partner_places(cluster) -> list[dict]:
    """The clusters partnered in force with ``cluster``, placed at the centre of the resources of theirs it
    can see (a partner with none visible is listed without a point)."""
    found = []
    for partnership in partnerships.partnerships_in_force(cluster):
        other = partnership.partner if partnership.proposer_id == cluster.pk else partnership.proposer
        points = list(
            Resource.objects.filter(cluster=other, latitude__isnull=False, longitude__isnull=False)
            .filter(partner_bookable())
            .values_list("latitude", "longitude")
        )
        latitude = sum(p[0] for p in points) / len(points) if points else None
        longitude = sum(p[1] for p in points) / len(points) if points else None
        found.append({"name": other.name, "slug": other.slug, "latitude": latitude, "longitude": longitude})
    return found


def partner_resources(*, cluster) -> QuerySet[Resource]:
    """The resources ``cluster``'s members may book across: partner-bookable, of partners in force on resources."""
    partners = partnerships.partners_in_force(cluster, kind=RESOURCES)
    return (
        Resource.objects.filter(cluster_id__in=partners)
        .filter(partner_bookable())
        .select_related("cluster")
        .order_by("cluster__name_en", "kind", "name_zh", "pk")
    )


def partner_resource_get(*, cluster, pk: int) -> Resource | None:
    return partner_resources(cluster=cluster).filter(pk=pk).first()


def partner_bookings(*, cluster, user) -> QuerySet[Booking]:
    """The caller's enterprises' bookings made across from ``cluster`` (they stay after the partnership ends)."""
    own = Membership.objects.filter(
        cluster=cluster, enterprise__people__user=user, status=Membership.Status.ACTIVE
    ).values("enterprise_id")
    return (
        Booking.objects.filter(partner_cluster=cluster, enterprise_id__in=own)
        .select_related("resource", "enterprise", "cluster")
        .order_by("starts_at", "pk")
    )
