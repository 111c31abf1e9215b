"""The declared query parameters of the parks API and pages (a wrong value: 400 naming it)."""

from django_filters import rest_framework as filters

from apps.core.api.filters import DateFilter, FilterSet, IdFilter

from .lifecycle import BookingStatus, VisitStatus
from .models import Booking, Resource, Visit


class ResourceFilter(FilterSet):
    kind = filters.ChoiceFilter(choices=Resource.Kind.choices)
    active = filters.BooleanFilter()

    class Meta:
        model = Resource
        fields = ["kind", "active"]


class BookingFilter(FilterSet):
    status = filters.ChoiceFilter(choices=BookingStatus.choices)
    resource = IdFilter(field_name="resource_id")

    class Meta:
        model = Booking
        fields = ["status", "resource"]


class VisitFilter(FilterSet):
    status = filters.ChoiceFilter(choices=VisitStatus.choices)
    enterprise = IdFilter(field_name="enterprise_id")

    class Meta:
        model = Visit
        fields = ["status", "enterprise"]


class WeekFilter(FilterSet):
    """The resource page's calendar: ``?week=YYYY-MM-DD`` (any day of the week shown)."""

    week = DateFilter(method="noop")

    class Meta:
        model = Resource
        fields = ["week"]

    def noop(self, queryset, name, value):
        return queryset
