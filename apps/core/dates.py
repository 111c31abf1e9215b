"""Which dates and datetimes the platform accepts, and how it answers them: the one place.

Every date or datetime that comes in (API bodies, page forms, query-parameter filters) must
lie in a span. A span is absolute (``ANY``: 2000-01-01 to 2100-12-31) or, where the domain
gives a sensible horizon, relative to today and then clamped to ``ANY``:

- ``PLAN``: what is planned ahead (need-by and start-by dates, capacity windows, milestone
  due dates, when a vote closes or a rule takes effect): no later than ten years from today;
- ``TERM``: council seat terms: from ten years ago;
- ``VALIDITY``: certificate validity: from ten years ago.

The lower ends of ``PLAN`` stay absolute: a date in the past is the services' refusal, with
their own message. ``FIELD_SPANS`` names the span of each model field that is not ``ANY``;
the API's ModelSerializer (``apps.core.api.serializers``) and the page forms read it from
there. A datetime's date is taken in the current time zone.

Every datetime the API answers is in UTC with ``Z`` (``format_utc``), e.g.
``2026-12-01T08:00:00Z`` (with microseconds when it has them); dates are ``YYYY-MM-DD``.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)


def _years_from(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Span:
    """The dates a field accepts: ``years_back`` / ``years_ahead`` of today (None: the absolute end)."""

    name: str
    years_back: int | None = None
    years_ahead: int | None = None

    def bounds(self, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
        today = today or timezone.localdate()
        low = DATE_MIN if self.years_back is None else max(DATE_MIN, _years_from(today, -self.years_back))
        high = DATE_MAX if self.years_ahead is None else min(DATE_MAX, _years_from(today, self.years_ahead))
        return low, high


ANY = Span("any")
PLAN = Span("plan", years_ahead=10)
TERM = Span("term", years_back=10)
VALIDITY = Span("validity", years_back=10)

#: model fields ("app_label.Model.field") whose span is not ``ANY``
FIELD_SPANS = {
    "governance.Seat.term_start": TERM,
    "governance.Seat.term_end": TERM,
    "governance.Proposal.voting_closes_at": PLAN,
    "governance.Proposal.effective_at": PLAN,
    "governance.RuleVersion.effective_at": PLAN,
    "marketplace.Order.need_by": PLAN,
    "marketplace.CapacityOffer.available_from": PLAN,
    "marketplace.CapacityOffer.available_until": PLAN,
    "marketplace.ChannelOffer.available_from": PLAN,
    "marketplace.ChannelRequest.start_by": PLAN,
    "marketplace.Deal.due_date": PLAN,
    "marketplace.Deal.next_milestone_due": PLAN,
    "membership.EnterpriseCertification.valid_until": VALIDITY,
    "parks.Booking.starts_at": PLAN,
    "parks.Booking.ends_at": PLAN,
    "parks.Visit.scheduled_for": PLAN,
    "parks.Visit.expires_at": PLAN,
}


def span_of(model_field) -> Span:
    """The span of a model's DateField or DateTimeField."""
    return FIELD_SPANS.get(f"{model_field.model._meta.label}.{model_field.name}", ANY)


def _day(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@deconstructible
class DateSpanValidator:
    """Refuses a date or datetime outside its span, naming the span's ends."""

    message = _("Enter a date between %(min)s and %(max)s.")
    code = "date_out_of_range"

    def __init__(self, span: Span = ANY):
        self.span = span

    def __call__(self, value):
        if value is None:
            return
        low, high = self.span.bounds()
        try:
            day = _day(value)
        except (OverflowError, ValueError):  # beyond what a local date can hold
            day = None
        if day is None or not low <= day <= high:
            self.refuse()

    def refuse(self):
        low, high = self.span.bounds()
        raise ValidationError(self.message, code=self.code, params={"min": low, "max": high})

    def __eq__(self, other):
        return isinstance(other, DateSpanValidator) and other.span == self.span


class Bounded:
    """Mixin for a form or serializer date field: ``span=`` (default ``ANY``) adds its validator."""

    def __init__(self, *, span: Span = ANY, **kwargs):
        self.span = span
        super().__init__(**kwargs)
        self.validators.append(DateSpanValidator(span))


def format_utc(value: datetime.datetime) -> str:
    """The API's one datetime format: ISO 8601 in UTC with ``Z`` (naive values are read as local time)."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    text = value.astimezone(datetime.UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"
