"""The API's date and datetime fields: bounded on input, one format on output.

Every DateField and DateTimeField of the API is one of these (the ModelSerializer in
``serializers.py`` maps model fields to them; ``tests/core/test_dates.py`` walks every
serializer). Input outside the field's span (``apps.core.dates``) is a 400 naming the
field; a datetime is answered in UTC with ``Z``.
"""

from rest_framework import serializers

from apps.core.dates import Bounded, DateSpanValidator, format_utc


class DateField(Bounded, serializers.DateField):
    """A date within its span (``apps.core.dates``)."""


class DateTimeField(Bounded, serializers.DateTimeField):
    """A datetime within its span; read in the current time zone when it has no offset, answered in UTC."""

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except OverflowError:  # a local time with no UTC equivalent (year 1, year 9999): out of any span
            DateSpanValidator(self.span).refuse()

    def to_representation(self, value):
        if not value or isinstance(value, str):
            return value or None
        return format_utc(value)
