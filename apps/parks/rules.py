"""The rulebook parameters of park resources and on-site verification.

Provided to tenancy's rulebook (``apps.tenancy.rules``) from ``ParksConfig.ready()``; read only
through ``rule_value``, so an enacted proposal changes them from its effective time."""

from django.utils.translation import gettext_lazy as _

from apps.tenancy.rules import RuleDefinition

PARKS_RULES = (
    RuleDefinition(
        key="parks.max_booking_days_ahead",
        default=90,
        minimum=1,
        maximum=730,
        unit="days",
        name=_("How far ahead a resource may be booked"),
        description=_("Days ahead of today within which a booking must start."),
    ),
    RuleDefinition(
        key="parks.max_hours_per_booking",
        default=240,
        minimum=1,
        maximum=8760,
        unit="hours",
        name=_("Longest booking"),
        description=_("The longest time range one booking may cover."),
    ),
    RuleDefinition(
        key="parks.cancel_hours_before",
        default=24,
        minimum=0,
        maximum=720,
        unit="hours",
        name=_("Cancellation notice"),
        description=_("Hours before its start by which a booking must be cancelled to count as on time."),
    ),
    RuleDefinition(
        key="parks.late_cancellation_allowed",
        default=False,
        minimum=0,
        maximum=1,
        unit="yes/no",
        name=_("Late cancellations allowed"),
        description=_(
            "Whether a booking may still be cancelled inside the notice (it is then marked late); "
            "otherwise a late cancellation is refused."
        ),
    ),
    RuleDefinition(
        key="parks.idle_alert_days",
        default=14,
        minimum=1,
        maximum=365,
        unit="days",
        name=_("Days before an idle resource is flagged"),
        description=_("A resource with no live booking over this many past days raises an alert."),
    ),
    RuleDefinition(
        key="parks.pending_alert_threshold",
        default=5,
        minimum=1,
        maximum=1000,
        unit="bookings",
        name=_("Pending bookings before an alert"),
        description=_("Booking requests awaiting confirmation in the cluster that raise an alert."),
    ),
    RuleDefinition(
        key="parks.verification_months",
        default=12,
        minimum=1,
        maximum=60,
        unit="months",
        name=_("Validity of an on-site verification"),
        description=_("Months a verification level lasts unless the visit sets an earlier expiry."),
    ),
)
