"""Form fields shared by the page forms and the API's filters."""

from django import forms
from django.db import models

from apps.core.dates import Bounded, span_of


class DateField(Bounded, forms.DateField):
    """A date within its span (``apps.core.dates``)."""


class DateTimeField(Bounded, forms.DateTimeField):
    """A datetime within its span (``apps.core.dates``)."""


def model_formfield(model, name: str, **overrides) -> forms.Field:
    """The model field's form field (label, help text, max length, choices), with overrides;
    a date or datetime gets the bounded field with the model field's span."""
    field = model._meta.get_field(name)
    if isinstance(field, models.DateTimeField):
        overrides = {"form_class": DateTimeField, "span": span_of(field), **overrides}
    elif isinstance(field, models.DateField):
        overrides = {"form_class": DateField, "span": span_of(field), **overrides}
    return field.formfield(**overrides)
