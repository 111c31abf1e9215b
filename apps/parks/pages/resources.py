"""The park's resources: the list, a resource's week calendar with the booking form, and the administrators' editor."""

import datetime
import functools

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError
from apps.membership.forms import add_service_error
from apps.tenancy.pages import ADMINISTRATOR, GET_POST, MEMBER, cluster_page

from .. import lifecycle, selectors
from ..filters import ResourceFilter, WeekFilter
from ..forms import BookingForm, ResourceForm
from ..roles import AUDITOR
from ..services import bookings as booking_services
from ..services import resources as resource_services

READERS = (ADMINISTRATOR, MEMBER, AUDITOR)
READERS_REFUSAL = gettext_lazy("The park's resources are open to the cluster's members and administrators.")
ADMIN_REFUSAL = gettext_lazy("Only the cluster's administrators list and edit resources.")


@cluster_page(*READERS, refusal=READERS_REFUSAL)
def resource_list(request, slug):
    access = request.cluster_access
    filters = ResourceFilter(request.GET, queryset=selectors.resources(cluster=access.cluster))
    return render(
        request,
        "parks/resource_list.html",
        access.context(
            form=filters.form,
            resources=list(filters.qs),
            pending=selectors.pending_count(cluster=access.cluster) if access.is_admin else 0,
        ),
    )


def _week_start(request) -> datetime.date:
    week = WeekFilter(request.GET)
    day = week.form.cleaned_data.get("week") if week.form.is_valid() else None
    day = day or timezone.localdate()
    return day - datetime.timedelta(days=day.weekday())


def booked(request, form, create, *, pending: str):
    """Book through ``create`` from a valid form: the booking, or None with the refusal beside its field."""
    try:
        booking = create(**form.cleaned_data)
    except DomainError as exc:
        add_service_error(form, exc)
        return None
    confirmed = booking.status != lifecycle.BookingStatus.PENDING
    messages.success(request, _("Booked and confirmed.") if confirmed else pending)
    return booking


@cluster_page(*READERS, methods=GET_POST, refusal=READERS_REFUSAL)
def resource_detail(request, slug, pk):
    access = request.cluster_access
    resource = selectors.resource_get(cluster=access.cluster, pk=pk)
    if resource is None:
        raise Http404
    enterprises = selectors.bookable_enterprises(cluster=access.cluster, user=request.user)
    form = BookingForm(request.POST or None, enterprises=enterprises) if access.is_member else None
    if request.method == "POST":
        if form is None:
            return redirect("park-resource", access.cluster.slug, resource.pk)
        create = functools.partial(
            booking_services.booking_create, actor=request.user, cluster=access.cluster, resource_id=resource.pk
        )
        if form.is_valid() and booked(request, form, create, pending=_("Booked: the administrators will confirm it.")):
            return redirect("park-bookings", access.cluster.slug)
    week_start = _week_start(request)
    return render(
        request,
        "parks/resource_detail.html",
        access.context(
            resource=resource,
            calendar=selectors.week_calendar(resource, week_start=week_start),
            previous_week=week_start - datetime.timedelta(days=7),
            next_week=week_start + datetime.timedelta(days=7),
            form=form,
        ),
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@cluster_page(ADMINISTRATOR, methods=GET_POST, refusal=ADMIN_REFUSAL)
def resource_edit(request, slug, pk=None):
    access = request.cluster_access
    resource = None
    if pk is not None:
        resource = selectors.resource_get(cluster=access.cluster, pk=pk)
        if resource is None:
            raise Http404
    initial = ResourceForm.initial_of(resource) if resource else {"mon_open": "08:00", "mon_close": "18:00"}
    form = ResourceForm(request.POST or None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            if resource is None:
                resource = resource_services.resource_create(
                    actor=request.user, cluster=access.cluster, **form.resource_fields()
                )
            else:
                resource = resource_services.resource_update(
                    actor=request.user, cluster=access.cluster, resource_id=resource.pk, **form.resource_fields()
                )
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The resource was saved."))
            return redirect("park-resource", access.cluster.slug, resource.pk)
    return render(
        request,
        "parks/resource_form.html",
        access.context(form=form, resource=resource),
        status=400 if form.is_bound and form.errors else 200,
    )
