"""Who hears of a booking, and how it reads (registered with the notifications app).

Stored as kind + params (the resource's and the enterprise's names in both scripts, the times as
ISO text), rendered when read in the reader's language. A booking awaiting confirmation is told to
the park's administrators; its confirmation, its rejection and a cancellation by someone else to the
booker's people. Reminders are not sent.
"""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy

from apps.membership.models import EnterpriseMember
from apps.notifications import messages
from apps.notifications.messages import name_of
from apps.notifications.services import Notice, notify_many
from apps.tenancy.selectors import cluster_administrators

REQUESTED, CONFIRMED, DECLINED, CANCELLED = (
    "parks.booking_requested",
    "parks.booking_confirmed",
    "parks.booking_declined",
    "parks.booking_cancelled",
)


def _params(booking) -> dict:
    return {
        "booking": booking.pk,
        "resource": name_of(booking.resource),
        "enterprise": name_of(booking.enterprise),
        "starts_at": booking.starts_at.isoformat(),
        "ends_at": booking.ends_at.isoformat(),
        "quantity": booking.quantity,
    }


def _raise(users, *, kind: str, booking, link: str, actor=None) -> None:
    distinct = {u.pk: u for u in users if actor is None or u.pk != actor.pk}
    params = _params(booking)
    notify_many(Notice(user=u, kind=kind, params=params, link=link, cluster=booking.cluster) for u in distinct.values())


def _booker_link(booking) -> str:
    cluster = booking.partner_cluster or booking.cluster
    name = "park-partner-bookings" if booking.partner_cluster_id else "park-bookings"
    return reverse(name, args=[cluster.slug])


def booking_requested(booking, *, actor) -> None:
    """The park's administrators hear of a booking that awaits their confirmation."""
    admins = [role.user for role in cluster_administrators(cluster=booking.cluster)]
    link = reverse("park-bookings", args=[booking.cluster.slug]) + "?status=pending"
    _raise(admins, kind=REQUESTED, booking=booking, link=link, actor=actor)


def booking_decided(booking, *, actor, confirmed: bool) -> None:
    _raise(_people(booking), kind=CONFIRMED if confirmed else DECLINED, booking=booking, link=_booker_link(booking))


def booking_cancelled(booking, *, actor) -> None:
    """The booker's people hear of a cancellation they did not make themselves."""
    people = _people(booking)
    if actor is not None and any(u.pk == actor.pk for u in people):
        return
    _raise(people, kind=CANCELLED, booking=booking, link=_booker_link(booking), actor=actor)


def _people(booking) -> list:
    return [p.user for p in EnterpriseMember.objects.filter(enterprise_id=booking.enterprise_id).select_related("user")]


def _when(values: dict) -> dict:
    """The stored ISO times as the reader's local date and time."""
    shown = dict(values)
    for key in ("starts_at", "ends_at"):
        moment = parse_datetime(str(values.get(key) or ""))
        if moment is not None:
            shown[key] = formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    return shown


def register() -> None:
    body = gettext_lazy("%(enterprise)s, %(quantity)s × from %(starts_at)s to %(ends_at)s.")
    messages.register(
        REQUESTED, gettext_lazy("A booking of %(resource)s awaits your confirmation"), body, prepare=_when
    )
    messages.register(CONFIRMED, gettext_lazy("Your booking of %(resource)s is confirmed"), body, prepare=_when)
    messages.register(DECLINED, gettext_lazy("Your booking of %(resource)s was declined"), body, prepare=_when)
    messages.register(CANCELLED, gettext_lazy("Your booking of %(resource)s was cancelled"), body, prepare=_when)
