"""The rulebook parameters monitoring reads (grace periods, horizons, warnings).

Provided to tenancy's rulebook (``apps.tenancy.rules``) from ``MonitoringConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from apps.tenancy.rules import RuleDefinition

MONITORING_RULES = (
    RuleDefinition(
        key="monitoring.overdue_grace_days",
        default=3,
        minimum=0,
        maximum=60,
        unit="days",
        name=_("Grace before replacing a late supplier"),
        description=_("Days a supplier may miss a deal's due date before other suppliers are proposed."),
    ),
    RuleDefinition(
        key="monitoring.replacement_horizon_days",
        default=30,
        minimum=1,
        maximum=180,
        unit="days",
        name=_("Horizon of replacement offers"),
        description=_("Delivery horizon given to other suppliers proposed for a late deal."),
    ),
    RuleDefinition(
        key="monitoring.stale_listing_days",
        default=30,
        minimum=1,
        maximum=365,
        unit="days",
        name=_("Days before a listing is stale"),
        description=_("Days without change after which an open listing is marked stale."),
    ),
    RuleDefinition(
        key="monitoring.expiry_warning_days",
        default=7,
        minimum=1,
        maximum=90,
        unit="days",
        name=_("Warning before windows and need-by dates end"),
        description=_("How many days ahead capacity windows and need-by dates raise an alert."),
    ),
    RuleDefinition(
        key="monitoring.certification_warning_days",
        default=30,
        minimum=1,
        maximum=180,
        unit="days",
        name=_("Warning before a certification expires"),
        description=_("How many days before expiry a certification raises an alert."),
    ),
)
