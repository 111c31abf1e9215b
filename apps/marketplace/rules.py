"""The marketplace's parameters in the rulebook, provided to tenancy from ``MarketplaceConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from apps.tenancy.rules import RuleDefinition

MARKETPLACE_RULES = (
    RuleDefinition(
        key="marketplace.proposal_expiry_hours",
        default=72,
        minimum=1,
        maximum=720,
        unit="hours",
        name=_("Time to answer a proposed match"),
        description=_("Hours a proposed match waits for both sides before it expires."),
    ),
    RuleDefinition(
        key="marketplace.open_listings_per_member",
        default=200,
        minimum=1,
        maximum=10000,
        unit="listings",
        name=_("Open listings per member"),
        description=_("Open listings one member enterprise may have in the cluster at once."),
    ),
    RuleDefinition(
        key="marketplace.rating_publication_days",
        default=7,
        minimum=1,
        maximum=60,
        unit="days",
        name=_("Days before ratings are published"),
        description=_("Days after delivery when ratings are published even if one side has not rated."),
    ),
    RuleDefinition(
        key="marketplace.payment_term_days_max",
        default=90,
        minimum=0,
        maximum=365,
        unit="days",
        name=_("Longest payment term"),
        description=_("Longest payment term a deal may carry."),
    ),
)
