"""Administrators list and edit the cluster's shared resources."""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, NotFoundError
from apps.membership.permissions import require_cluster_administrator

from ..models import WEEKDAYS, Resource

EDITABLE = (
    "kind",
    "name_zh",
    "name_en",
    "description",
    "location",
    "latitude",
    "longitude",
    "capacity",
    "capacity_unit",
    "opening_hours",
    "bookable_by",
    "price",
    "price_unit",
    "currency",
    "requires_confirmation",
    "active",
)
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


def validate_opening_hours(value) -> dict:
    """``{"mon": ["08:00", "18:00"], …}``: known weekdays, HH:MM times, each day closing after it opens."""
    if not isinstance(value, dict):
        raise DomainError(
            _('Give the opening hours per weekday, e.g. {"mon": ["08:00", "18:00"]}.'), field="opening_hours"
        )
    cleaned = {}
    for day, hours in value.items():
        if day not in WEEKDAYS:
            raise DomainError(
                _("Unknown weekday %(day)s: use mon … sun.") % {"day": str(day)[:10]}, field="opening_hours"
            )
        if (
            not isinstance(hours, list | tuple)
            or len(hours) != 2
            or not all(isinstance(t, str) and _TIME.match(t) for t in hours)
        ):
            raise DomainError(_("Each day's hours are two times, HH:MM, opening then closing."), field="opening_hours")
        if hours[1] <= hours[0]:
            raise DomainError(_("A day's closing time must come after its opening time."), field="opening_hours")
        cleaned[day] = [hours[0], hours[1]]
    return {day: cleaned[day] for day in WEEKDAYS if day in cleaned}


def _clean(fields: dict) -> dict:
    fields = {name: value for name, value in fields.items() if name in EDITABLE}
    if "opening_hours" in fields:
        fields["opening_hours"] = validate_opening_hours(fields["opening_hours"])
    if "capacity" in fields and (fields["capacity"] is None or fields["capacity"] < 1):
        raise DomainError(_("The capacity is at least 1."), field="capacity")
    for name, value in fields.items():
        choices = Resource._meta.get_field(name).choices
        codes = [code for code, _label in choices or ()]
        if codes and value not in codes:
            raise DomainError(_("Choose one of: %(codes)s.") % {"codes": ", ".join(codes)}, field=name)
    return fields


def _check_point(resource) -> None:
    if (resource.latitude is None) != (resource.longitude is None):
        missing = "longitude" if resource.longitude is None else "latitude"
        raise DomainError(_("Give the latitude and the longitude together, or neither."), field=missing)


@transaction.atomic
def resource_create(*, actor, cluster, **fields) -> Resource:
    require_cluster_administrator(user=actor, cluster=cluster)
    resource = Resource(cluster=cluster, **_clean(fields))
    _check_point(resource)
    resource.save()
    return resource


@transaction.atomic
def resource_update(*, actor, cluster, resource_id: int, **fields) -> Resource:
    require_cluster_administrator(user=actor, cluster=cluster)
    resource = Resource.objects.select_for_update().filter(cluster=cluster, pk=resource_id).first()
    if resource is None:
        raise NotFoundError()
    for name, value in _clean(fields).items():
        setattr(resource, name, value)
    _check_point(resource)
    resource.save()
    return resource
