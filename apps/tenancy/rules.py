"""The cluster's rule settings, read at run time through one selector.

Today every cluster uses the defaults below; the governance issue turns this registry
into the council's versioned rulebook without changing any caller: everything reads
``rule_value(cluster=…, key=…)``.
"""

from dataclasses import dataclass

from apps.matching.engine.types import DEFAULT_CHANNEL_WEIGHTS, DEFAULT_WEIGHTS


@dataclass(frozen=True)
class RuleDefinition:
    key: str
    default: int | float
    minimum: int | float
    maximum: int | float
    unit: str
    description: str


REGISTRY: dict[str, RuleDefinition] = {
    rule.key: rule
    for rule in (
        RuleDefinition(
            key="moderation.open_reports_to_suspend",
            default=3,
            minimum=1,
            maximum=50,
            unit="reports",
            description="Open reports against a member that suspend it pending review.",
        ),
        *(
            RuleDefinition(
                key=f"matching.weight.{factor}",
                default=weight,
                minimum=0.0,
                maximum=1.0,
                unit="weight",
                description=f"Weight of the {factor} factor in a production match's score.",
            )
            for factor, weight in DEFAULT_WEIGHTS.items()
        ),
        *(
            RuleDefinition(
                key=f"matching.channel_weight.{factor}",
                default=weight,
                minimum=0.0,
                maximum=1.0,
                unit="weight",
                description=f"Weight of the {factor} factor in a channel match's score.",
            )
            for factor, weight in DEFAULT_CHANNEL_WEIGHTS.items()
        ),
        RuleDefinition(
            key="matching.price_tolerance",
            default=0.10,
            minimum=0.0,
            maximum=1.0,
            unit="fraction",
            description="How far above an order's target price a supply may ask (0.10 = 10 %).",
        ),
        RuleDefinition(
            key="matching.candidates_per_demand",
            default=20,
            minimum=1,
            maximum=200,
            unit="supplies",
            description="Best feasible supplies kept per demand before allocation.",
        ),
        RuleDefinition(
            key="marketplace.proposal_expiry_hours",
            default=72,
            minimum=1,
            maximum=720,
            unit="hours",
            description="Hours a proposed match waits for both sides before it expires.",
        ),
        RuleDefinition(
            key="marketplace.open_listings_per_member",
            default=200,
            minimum=1,
            maximum=10000,
            unit="listings",
            description="Open listings one member enterprise may have in the cluster at once.",
        ),
        RuleDefinition(
            key="marketplace.rating_publication_days",
            default=7,
            minimum=1,
            maximum=60,
            unit="days",
            description="Days after delivery when ratings are published even if one side has not rated.",
        ),
        RuleDefinition(
            key="membership.invitation_days",
            default=14,
            minimum=1,
            maximum=90,
            unit="days",
            description="Days an invitation to join an enterprise stays valid.",
        ),
    )
}


def rule_value(*, cluster, key: str):
    """The value in force for ``key`` in ``cluster`` (today: the registry default)."""
    return REGISTRY[key].default


def matching_rules(*, cluster, today):
    """The engine's ``Rules`` for ``cluster`` as in force today."""
    from apps.matching.engine import Rules

    return Rules(
        today=today,
        price_tolerance=float(rule_value(cluster=cluster, key="matching.price_tolerance")),
        weights={f: float(rule_value(cluster=cluster, key=f"matching.weight.{f}")) for f in DEFAULT_WEIGHTS},
        channel_weights={
            f: float(rule_value(cluster=cluster, key=f"matching.channel_weight.{f}")) for f in DEFAULT_CHANNEL_WEIGHTS
        },
        max_candidates_per_demand=int(rule_value(cluster=cluster, key="matching.candidates_per_demand")),
    )
