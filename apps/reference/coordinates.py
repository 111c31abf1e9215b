"""Latitude and longitude, defined once: the range, the model field with its validators, the
form and API fields, and the database check. Every coordinate field of every model is built
here (``tests/reference/test_coordinates.py`` walks them all), so a point out of range is a
400 naming the field, on every write, and a row the database refuses.
"""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

#: kind -> the largest absolute value (degrees)
LIMITS = {"latitude": 90, "longitude": 180}
MAX_DIGITS, DECIMAL_PLACES = 8, 5


def kind_of(field_name: str) -> str | None:
    """``latitude`` or ``longitude`` for a field named after one (``delivery_latitude``…), else None."""
    return next((kind for kind in LIMITS if field_name == kind or field_name.endswith(f"_{kind}")), None)


def validators(kind: str) -> list:
    limit = LIMITS[kind]
    return [MinValueValidator(-limit), MaxValueValidator(limit)]


def model_field(kind: str, verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, validators=validators(kind), **kwargs
    )


def check(model_name: str, field: str) -> models.CheckConstraint:
    """The database's own refusal of a value out of range (``<model>_<field>_in_range``)."""
    limit = LIMITS[kind_of(field)]
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": -limit, f"{field}__lte": limit}), name=f"{model_name}_{field}_in_range"
    )


def form_field(kind: str, label, **kwargs) -> forms.DecimalField:
    """An optional latitude or longitude for the pages; blank means the city's centre."""
    limit = LIMITS[kind]
    kwargs.setdefault("help_text", _("Optional: blank means the centre of the city."))
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        min_value=-limit,
        max_value=limit,
        widget=forms.NumberInput(attrs={"step": "0.00001", "inputmode": "decimal"}),
        **kwargs,
    )


def serializer_field(kind: str, **kwargs) -> serializers.DecimalField:
    limit = LIMITS[kind]
    return serializers.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, min_value=-limit, max_value=limit, **kwargs
    )
