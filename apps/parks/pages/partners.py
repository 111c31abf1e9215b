"""The partner view's pages: the resources partner clusters opened to this cluster's members, one with its
week calendar and the booking form, and the caller's bookings across (``apps.parks.partners``)."""

import datetime
import functools

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError
from apps.tenancy.pages import ADMINISTRATOR, GET_POST, MEMBER, POST, cluster_page, refused

from .. import lifecycle, partners, selectors
from ..forms import BookingForm
from ..services import partner_bookings
from .resources import _week_start, booked

REFUSAL = gettext_lazy("Partners' resources are open to the cluster's members and administrators.")
BOOKER_REFUSAL = gettext_lazy("Bookings across are open to the cluster's members.")


@cluster_page(ADMINISTRATOR, MEMBER, refusal=REFUSAL)
def partner_resource_list(request, slug):
    access = request.cluster_access
    return render(
        request,
        "parks/partner_resource_list.html",
        access.context(resources=list(partners.partner_resources(cluster=access.cluster))),
    )


@cluster_page(ADMINISTRATOR, MEMBER, methods=GET_POST, refusal=REFUSAL)
def partner_resource_detail(request, slug, pk):
    access = request.cluster_access
    resource = partners.partner_resource_get(cluster=access.cluster, pk=pk)
    if resource is None:
        raise Http404
    enterprises = selectors.bookable_enterprises(cluster=access.cluster, user=request.user)
    form = BookingForm(request.POST or None, enterprises=enterprises) if access.is_member else None
    if request.method == "POST" and form is None:
        return redirect("park-partner-resource", access.cluster.slug, resource.pk)
    if request.method == "POST" and form.is_valid():
        create = functools.partial(
            partner_bookings.partner_booking_create, actor=request.user, cluster=access.cluster, resource_id=resource.pk
        )
        if booked(request, form, create, pending=_("Booked: the park's administrators will confirm it.")):
            return redirect("park-partner-bookings", access.cluster.slug)
    week_start = _week_start(request)
    with partners.in_park(resource.cluster_id):  # every booking of the resource counts
        calendar = selectors.week_calendar(resource, week_start=week_start)
    return render(
        request,
        "parks/resource_detail.html",
        access.context(
            resource=resource,
            partner_view=True,
            calendar=calendar,
            previous_week=week_start - datetime.timedelta(days=7),
            next_week=week_start + datetime.timedelta(days=7),
            form=form,
        ),
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@cluster_page(MEMBER, refusal=BOOKER_REFUSAL)
def partner_booking_list(request, slug):
    access = request.cluster_access
    rows = list(partners.partner_bookings(cluster=access.cluster, user=request.user).order_by("-starts_at", "-pk"))
    for booking in rows:
        booking.can_cancel = lifecycle.can_cancel(booking)
    return render(request, "parks/partner_booking_list.html", access.context(bookings=rows))


@cluster_page(MEMBER, methods=POST, refusal=BOOKER_REFUSAL)
def partner_booking_cancel(request, slug, pk):
    access = request.cluster_access
    try:
        partner_bookings.partner_booking_cancel(actor=request.user, cluster=access.cluster, booking_id=pk)
    except DomainError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("The booking is cancelled."))
    return redirect("park-partner-bookings", access.cluster.slug)
