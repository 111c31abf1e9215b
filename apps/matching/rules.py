"""The rulebook parameters of the matching engine (factor weights, price tolerance, candidates),
provided to tenancy's rulebook (``apps.tenancy.rules``) from ``MatchingConfig.ready()``; and the
engine's ``Rules`` as in force for a cluster."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.governance.selectors import rulebook_version_in_force
from apps.marketplace.factors import FACTOR_HINTS, FACTOR_LABELS
from apps.tenancy.rules import RuleDefinition, per_name, rules_in_force

from .engine import Rules
from .engine.types import DEFAULT_CHANNEL_WEIGHTS, DEFAULT_WEIGHTS

MATCHING_RULES = (
    *per_name(
        "matching.weight",
        DEFAULT_WEIGHTS,
        minimum=0.0,
        maximum=1.0,
        unit="weight",
        names={
            f: format_lazy(_("{factor}: weight in production matches"), factor=FACTOR_LABELS[f])
            for f in DEFAULT_WEIGHTS
        },
        descriptions={
            f: format_lazy(
                _("How much this factor counts in a production match's score: {hint}."), hint=FACTOR_HINTS[f]
            )
            for f in DEFAULT_WEIGHTS
        },
    ),
    *per_name(
        "matching.channel_weight",
        DEFAULT_CHANNEL_WEIGHTS,
        minimum=0.0,
        maximum=1.0,
        unit="weight",
        names={
            f: format_lazy(_("{factor}: weight in channel matches"), factor=FACTOR_LABELS[f])
            for f in DEFAULT_CHANNEL_WEIGHTS
        },
        descriptions={
            f: format_lazy(_("How much this factor counts in a channel match's score: {hint}."), hint=FACTOR_HINTS[f])
            for f in DEFAULT_CHANNEL_WEIGHTS
        },
    ),
    RuleDefinition(
        key="matching.price_tolerance",
        default=0.10,
        minimum=0.0,
        maximum=1.0,
        unit="fraction",
        name=_("Price tolerance"),
        description=_("How far above an order's target price a supply may ask (0.10 = 10 %)."),
    ),
    RuleDefinition(
        key="matching.candidates_per_demand",
        default=20,
        minimum=1,
        maximum=200,
        unit="supplies",
        name=_("Candidates kept per demand"),
        description=_("Best feasible supplies kept per demand before allocation."),
    ),
)


def matching_rules(*, cluster, today) -> Rules:
    """The engine's ``Rules`` for ``cluster`` as in force today."""
    values = rules_in_force(cluster)
    return Rules(
        today=today,
        price_tolerance=float(values["matching.price_tolerance"]),
        weights={f: float(values[f"matching.weight.{f}"]) for f in DEFAULT_WEIGHTS},
        channel_weights={f: float(values[f"matching.channel_weight.{f}"]) for f in DEFAULT_CHANNEL_WEIGHTS},
        max_candidates_per_demand=int(values["matching.candidates_per_demand"]),
    )


def rulebook_version(*, cluster) -> int:
    """The number of the cluster's rulebook version in force now (0 while only the defaults apply):
    what every score records as the rules that produced it."""
    version = rulebook_version_in_force(cluster=cluster)
    return version.number if version is not None else 0
