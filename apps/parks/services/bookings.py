"""Booking a resource: the checks, and no double booking.

The guarantee, on every database: ``booking_create`` locks the resource's row
(``select_for_update``; SQLite's immediate transactions serialise writers anyway), then reads the
live bookings that overlap the asked range and sweeps them to find the most units in use at any
moment of it; the booking is written only if that peak plus the quantity asked fits the capacity.
Holding the row lock until commit makes the read-then-write atomic for one resource, so two
bookings can never both see room that only one of them can have. We chose the lock over per-slot
rows (a unique constraint per resource, slot and unit) because bookings are arbitrary ranges,
not slots: per-slot rows would multiply the writes by the hours booked and fix a granularity.

On PostgreSQL the database also enforces it without the code: an exclusion constraint over
``(resource_id WITH =, tstzrange(starts_at, ends_at) WITH &&)`` for live exclusive bookings
(those of a capacity-1 resource; migration ``0002_no_double_booking``). A violation there is
answered 409 like the service's own refusal.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.membership.models import EnterpriseMember, Membership
from apps.membership.permissions import is_cluster_administrator, require_cluster_administrator
from apps.tenancy.rules import rule_value

from .. import lifecycle, notices
from ..lifecycle import LIVE, BookingStatus, peak_in_use
from ..models import WEEKDAYS, Booking, Resource


def _window(resource, day: datetime.date, tz) -> tuple[datetime.datetime, datetime.datetime] | None:
    hours = (resource.opening_hours or {}).get(WEEKDAYS[day.weekday()])
    if not hours:
        return None
    opens, closes = (datetime.time.fromisoformat(t) if t != "24:00" else None for t in hours)
    start = datetime.datetime.combine(day, opens, tzinfo=tz)
    end = (
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz)
        if closes is None
        else datetime.datetime.combine(day, closes, tzinfo=tz)
    )
    return start, end


def _inside(resource, moment, *, closing: bool) -> bool:
    tz = timezone.get_current_timezone()
    local = timezone.localtime(moment, tz)
    days = [local.date()]
    if closing and local.time() == datetime.time(0):
        days.insert(0, local.date() - datetime.timedelta(days=1))  # 24:00 of the day before
    for day in days:
        window = _window(resource, day, tz)
        if window and window[0] <= local <= window[1]:
            return True
    return False


def check_opening_hours(resource, starts_at, ends_at) -> None:
    """Start and end inside the opening hours; an hourly resource's booking inside one day's window."""
    if not _inside(resource, starts_at, closing=False):
        raise DomainError(_("The resource is closed at the start you asked."), field="starts_at")
    if not _inside(resource, ends_at, closing=True):
        raise DomainError(_("The resource is closed at the end you asked."), field="ends_at")
    if resource.price_unit == Resource.PriceUnit.HOUR:
        tz = timezone.get_current_timezone()
        window = _window(resource, timezone.localtime(starts_at, tz).date(), tz)
        if window is None or ends_at > window[1]:
            raise DomainError(_("An hourly booking must end by the closing time of its day."), field="ends_at")


def _validate(resource, cluster, *, starts_at, ends_at, quantity, now) -> None:
    if ends_at <= starts_at:
        raise DomainError(_("The booking must end after it starts."), field="ends_at")
    if starts_at < now:
        raise DomainError(_("A booking cannot start in the past."), field="starts_at")
    if quantity < 1:
        raise DomainError(_("Book at least one unit."), field="quantity")
    if quantity > resource.capacity:
        raise DomainError(
            _("The resource has a capacity of %(capacity)d.") % {"capacity": resource.capacity}, field="quantity"
        )
    days_ahead = rule_value(cluster=cluster, key="parks.max_booking_days_ahead")
    if starts_at > now + datetime.timedelta(days=days_ahead):
        raise DomainError(
            _("Bookings may start at most %(days)d days ahead.") % {"days": days_ahead}, field="starts_at"
        )
    max_hours = rule_value(cluster=cluster, key="parks.max_hours_per_booking")
    if ends_at - starts_at > datetime.timedelta(hours=max_hours):
        raise DomainError(_("A booking may last at most %(hours)d hours.") % {"hours": max_hours}, field="ends_at")
    check_opening_hours(resource, starts_at, ends_at)


def booking_create(
    *,
    actor,
    cluster,
    resource_id: int,
    enterprise,
    starts_at,
    ends_at,
    quantity: int = 1,
    note: str = "",
    partner_cluster=None,
) -> Booking:
    """Book ``resource_id`` of ``cluster`` for ``enterprise``. ``partner_cluster``: the booker's cluster when
    booked across (``partner_bookings``, which has established the partnership in that cluster's scope)."""
    try:
        with transaction.atomic():
            booking = _create(
                actor=actor,
                cluster=cluster,
                resource_id=resource_id,
                enterprise=enterprise,
                starts_at=starts_at,
                ends_at=ends_at,
                quantity=quantity,
                note=note,
                partner_cluster=partner_cluster,
            )
            if booking.status == BookingStatus.PENDING:
                notices.booking_requested(booking, actor=actor)
            return booking
    except IntegrityError as exc:  # the exclusion constraint (PostgreSQL), behind the service's check
        raise ConflictError(_("The resource is already booked for that time."), code="fully_booked") from exc


def _create(*, actor, cluster, resource_id, enterprise, starts_at, ends_at, quantity, note, partner_cluster) -> Booking:
    resource = Resource.objects.select_for_update().filter(cluster=cluster, pk=resource_id).first()
    if resource is None:
        raise DomainError(_("No such resource in this cluster."), field="resource")
    if not EnterpriseMember.objects.filter(enterprise=enterprise, user=actor).exists():
        raise PermissionDeniedError(_("You can only book for an enterprise you belong to."))
    if partner_cluster is None:
        is_member = Membership.objects.filter(
            cluster=cluster, enterprise=enterprise, status=Membership.Status.ACTIVE
        ).exists()
        lifecycle.check_may_book(resource, enterprise=enterprise, is_member=is_member)
    else:
        lifecycle.check_may_book(resource, enterprise=enterprise, is_member=False, partner=True)
    now = timezone.now()
    _validate(resource, cluster, starts_at=starts_at, ends_at=ends_at, quantity=quantity, now=now)
    overlapping = Booking.objects.filter(
        resource=resource, status__in=LIVE, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).only("starts_at", "ends_at", "quantity")
    if peak_in_use(overlapping, starts_at, ends_at) + quantity > resource.capacity:
        raise ConflictError(_("The resource is already booked for that time."), code="fully_booked")
    status = BookingStatus.PENDING if resource.requires_confirmation else BookingStatus.CONFIRMED
    with transaction.atomic():  # a savepoint: the constraint's refusal leaves the outer block usable
        return Booking.objects.create(
            cluster=cluster,
            resource=resource,
            enterprise=enterprise,
            booked_by=actor,
            starts_at=starts_at,
            ends_at=ends_at,
            quantity=quantity,
            exclusive=resource.capacity == 1,
            status=status,
            note=note,
            partner_cluster=partner_cluster,
        )


def _locked(cluster, booking_id: int) -> Booking:
    booking = (
        Booking.objects.select_for_update().select_related("resource").filter(cluster=cluster, pk=booking_id).first()
    )
    if booking is None:
        raise NotFoundError()
    return booking


@transaction.atomic
def booking_decide(*, actor, cluster, booking_id: int, confirm: bool) -> Booking:
    """An administrator confirms or rejects a booking awaiting confirmation."""
    require_cluster_administrator(user=actor, cluster=cluster)
    booking = _locked(cluster, booking_id)
    lifecycle.check_confirm(booking)
    booking.status = BookingStatus.CONFIRMED if confirm else BookingStatus.REJECTED
    booking.decided_by = actor
    booking.save(update_fields=["status", "decided_by", "updated_at"])
    notices.booking_decided(booking, actor=actor, confirmed=confirm)
    return booking


@transaction.atomic
def booking_cancel(*, actor, cluster, booking_id: int) -> Booking:
    """The booker's people cancel (inside the notice: refused, or marked late where the rulebook allows);
    an administrator may cancel at any time (marked late inside the notice)."""
    booking = _locked(cluster, booking_id)
    administrator = is_cluster_administrator(user=actor, cluster=cluster)
    if (
        not administrator
        and not EnterpriseMember.objects.filter(enterprise_id=booking.enterprise_id, user=actor).exists()
    ):
        raise NotFoundError()
    now = timezone.now()
    lifecycle.check_cancel(booking, now=now)
    notice = datetime.timedelta(hours=rule_value(cluster=cluster, key="parks.cancel_hours_before"))
    late = booking.starts_at - now < notice
    if late and not administrator and not rule_value(cluster=cluster, key="parks.late_cancellation_allowed"):
        raise ConflictError(
            _("Bookings must be cancelled at least %(hours)d hours before they start.")
            % {"hours": notice.total_seconds() // 3600},
            code="late_cancellation",
        )
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_late = late
    booking.save(update_fields=["status", "cancelled_late", "updated_at"])
    notices.booking_cancelled(booking, actor=actor)
    return booking
