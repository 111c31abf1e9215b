"""Bookings and visits: their states, who may book, and the checks the services enforce.

    booking:  (requires confirmation) pending ──confirm──▶ confirmed
                                      pending ──reject───▶ rejected
              (otherwise)             confirmed
              pending / confirmed (not yet ended) ──cancel──▶ cancelled (``cancelled_late`` when inside
                                                              ``parks.cancel_hours_before``)
    visit:    scheduled ──record findings + level──▶ completed;  scheduled ──cancel──▶ cancelled

Who may book a resource: an active member of its cluster, and when the resource is bookable by
``members_and_partners`` a member of a partner cluster too. Partnerships sit below parks in the
layers and are built separately: they provide the check with ``provide_partner_check(fn)``;
without one no cluster has partners.

Each ``check_*`` raises the refusal (``PermissionDeniedError`` / ``ConflictError``), each
``can_*`` answers the same question with a bool for the pages' buttons.
"""

from collections.abc import Callable

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError


class BookingStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Awaiting confirmation")
    CONFIRMED = "confirmed", gettext_lazy("Confirmed")
    REJECTED = "rejected", gettext_lazy("Rejected")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")


class VisitStatus(models.TextChoices):
    SCHEDULED = "scheduled", gettext_lazy("Scheduled")
    COMPLETED = "completed", gettext_lazy("Completed")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")


#: a booking that holds its slot (counted against the capacity)
LIVE = (BookingStatus.PENDING, BookingStatus.CONFIRMED)

#: the items a visit checks, in the order the form lists them
CHECKLIST = {
    "licence": gettext_lazy("Business licence matches the registered identity"),
    "site": gettext_lazy("Site exists at the registered address"),
    "equipment": gettext_lazy("Equipment as declared"),
    "capacity_claimed": gettext_lazy("Capacity claimed is plausible"),
    "certifications_seen": gettext_lazy("Certifications seen in original"),
    "photos": gettext_lazy("Photos taken of the site"),
}

_partner_check: list[Callable] = []


def provide_partner_check(fn: Callable) -> None:
    """``fn(cluster, enterprise) -> bool``: whether ``enterprise`` belongs to a cluster in partnership
    with ``cluster`` (provided by ``apps.partnerships`` from its ``ready()``)."""
    _partner_check[:] = [fn]


_partner_clusters: list[Callable] = []


def provide_partner_clusters(fn: Callable) -> None:
    """``fn(cluster) -> [{"name", "latitude", "longitude", "slug"}]``: the clusters in partnership with
    ``cluster``, for its map (provided by ``apps.partnerships``); without one, none."""
    _partner_clusters[:] = [fn]


def partner_clusters(cluster) -> list:
    return list(_partner_clusters[0](cluster)) if _partner_clusters else []


def is_partner(cluster, enterprise) -> bool:
    return bool(_partner_check) and bool(_partner_check[0](cluster, enterprise))


def peak_in_use(bookings, starts_at, ends_at) -> int:
    """The most units the ``bookings`` hold at any moment of [starts_at, ends_at)."""
    events = []
    for booking in bookings:
        events.append((max(booking.starts_at, starts_at), booking.quantity))
        events.append((min(booking.ends_at, ends_at), -booking.quantity))
    peak = used = 0
    for _moment, delta in sorted(events, key=lambda e: (e[0], e[1])):  # ends before starts at one moment
        used += delta
        peak = max(peak, used)
    return peak


def _passes(check, *args, **kwargs) -> bool:
    try:
        check(*args, **kwargs)
    except DomainError:
        return False
    return True


def check_may_book(resource, *, enterprise, is_member: bool, partner: bool | None = None) -> None:
    """``enterprise`` may book ``resource``: a member, or a partner's member where the resource allows it
    (``partner``: already established by the caller in the partner's own scope; else asked of the hook)."""
    if not resource.active:
        raise ConflictError(_("This resource is not open for booking."), field="resource")
    if is_member:
        return
    if partner is None:
        partner = is_partner(resource.cluster, enterprise)
    if resource.bookable_by == "members_and_partners" and partner:
        return
    raise PermissionDeniedError(_("Only members of the cluster may book this resource."))


def check_confirm(booking) -> None:
    if booking.status != BookingStatus.PENDING:
        raise ConflictError(_("Only a booking awaiting confirmation can be confirmed or rejected."))


def can_confirm(booking) -> bool:
    return _passes(check_confirm, booking)


def check_cancel(booking, *, now=None) -> None:
    now = now or timezone.now()
    if booking.status not in LIVE:
        raise ConflictError(_("This booking is no longer live."))
    if booking.ends_at <= now:
        raise ConflictError(_("A booking that has ended cannot be cancelled."))


def can_cancel(booking) -> bool:
    return _passes(check_cancel, booking)


def check_record(visit) -> None:
    if visit.status != VisitStatus.SCHEDULED:
        raise ConflictError(_("Findings can be recorded only for a scheduled visit."))


def can_record(visit) -> bool:
    return _passes(check_record, visit)
