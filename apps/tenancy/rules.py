"""The cluster's rule settings, read at run time through one selector.

Today every cluster uses the defaults below; the governance issue turns this registry
into the council's versioned rulebook without changing any caller: everything reads
``rule_value(cluster=…, key=…)``.
"""

from dataclasses import dataclass


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
