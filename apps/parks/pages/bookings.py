"""Bookings: the caller's (members) or the cluster's (administrators, with the confirmation queue), and their buttons."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError
from apps.core.forms import PageQuery
from apps.tenancy.pages import ADMINISTRATOR, MEMBER, POST, cluster_page, refused

from .. import lifecycle, selectors
from ..filters import BookingFilter
from ..services import bookings as booking_services

REFUSAL = gettext_lazy("Bookings are open to the cluster's members and administrators.")
ACTIONS = {
    "confirm": gettext_lazy("The booking is confirmed."),
    "reject": gettext_lazy("The booking is rejected."),
    "cancel": gettext_lazy("The booking is cancelled."),
}


@cluster_page(ADMINISTRATOR, MEMBER, refusal=REFUSAL)
def booking_list(request, slug):
    access = request.cluster_access
    filters = BookingFilter(
        request.GET,
        queryset=selectors.bookings(cluster=access.cluster, user=request.user, roles=access.roles).order_by(
            "-starts_at", "-pk"
        ),
    )
    page = PageQuery(request.GET).page_of(filters.qs, 50)
    page.object_list = list(page.object_list)
    for booking in page.object_list:
        booking.can_confirm = access.is_admin and lifecycle.can_confirm(booking)
        booking.can_cancel = lifecycle.can_cancel(booking)
    return render(request, "parks/booking_list.html", access.context(form=filters.form, page=page))


@cluster_page(ADMINISTRATOR, MEMBER, methods=POST, refusal=REFUSAL)
def booking_action(request, slug, pk, action):
    access = request.cluster_access
    try:
        if action == "cancel":
            booking_services.booking_cancel(actor=request.user, cluster=access.cluster, booking_id=pk)
        else:
            booking_services.booking_decide(
                actor=request.user, cluster=access.cluster, booking_id=pk, confirm=action == "confirm"
            )
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(request, str(ACTIONS[action]))
    return redirect("park-bookings", access.cluster.slug)
