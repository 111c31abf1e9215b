"""Booking across: a member of a partner cluster books a park's resource, and cancels the booking.

Each write is authorised in the booker's own cluster's scope (where its membership and the
partnership are visible): the enterprise is the caller's and an active member of that cluster, and
the resource is one ``partners.partner_resources`` lists (bookable by partners, of a partner in
force on resources). Only then does the write run in the park's scope (``partners.in_park``): the
same locked, swept booking as a member's (``bookings.booking_create``), under the park's rulebook,
counting every booking of the resource, with the booker's cluster recorded on the booking.

After the partnership ends no new booking is accepted; existing bookings stand and finish (their
booker may still cancel them, under the park's notice).
"""

from django.utils.translation import gettext as _

from apps.core.errors import DomainError, NotFoundError, PermissionDeniedError
from apps.membership.models import EnterpriseMember, Membership

from .. import partners
from ..models import Booking
from . import bookings


def partner_booking_create(
    *, actor, cluster, resource_id: int, enterprise, starts_at, ends_at, quantity: int = 1, note: str = ""
) -> Booking:
    """``cluster``: the booker's own cluster (the one the request addresses)."""
    if not EnterpriseMember.objects.filter(enterprise=enterprise, user=actor).exists():
        raise PermissionDeniedError(_("You can only book for an enterprise you belong to."))
    if not Membership.objects.filter(cluster=cluster, enterprise=enterprise, status=Membership.Status.ACTIVE).exists():
        raise DomainError(_("This enterprise is not an active member of the cluster."), field="enterprise")
    resource = partners.partner_resource_get(cluster=cluster, pk=resource_id)
    if resource is None:
        raise DomainError(_("No such resource is open to this cluster's members."), field="resource")
    with partners.in_park(resource.cluster_id):
        return bookings.booking_create(
            actor=actor,
            cluster=resource.cluster,
            resource_id=resource.pk,
            enterprise=enterprise,
            starts_at=starts_at,
            ends_at=ends_at,
            quantity=quantity,
            note=note,
            partner_cluster=cluster,
        )


def partner_booking_cancel(*, actor, cluster, booking_id: int) -> Booking:
    booking = partners.partner_bookings(cluster=cluster, user=actor).filter(pk=booking_id).first()
    if booking is None:
        raise NotFoundError()
    with partners.in_park(booking.cluster_id):
        return bookings.booking_cancel(actor=actor, cluster=booking.cluster, booking_id=booking.pk)
