"""The rulebook: a typed registry of the parameters the platform reads at run time.

Every value in force is read through one selector, ``rule_value(cluster=…, key=…)`` (or
``rules_in_force(cluster)`` for many at once): the value of the cluster's latest enacted
rulebook version (``governance.RuleVersion``), else the registry default.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from apps.matching.engine.types import DEFAULT_CHANNEL_WEIGHTS, DEFAULT_WEIGHTS


@dataclass(frozen=True)
class RuleDefinition:
    key: str
    default: int | float | bool | str
    minimum: int | float | None
    maximum: int | float | None
    unit: str
    description: str
    #: the values a ``choice`` rule may take (its default is one of them); empty for the others
    choices: tuple[str, ...] = ()

    @property
    def type(self) -> str:
        if self.choices:
            return "choice"
        if isinstance(self.default, bool):
            return "bool"
        return "int" if isinstance(self.default, int) else "float"

    def clean(self, value):
        """The value converted to the rule's type, or ValueError naming what is wrong."""
        if self.type == "choice":
            if isinstance(value, str) and value in self.choices:
                return value
            raise ValueError(_("Expected one of: %(choices)s.") % {"choices": ", ".join(self.choices)})
        if self.type == "bool":
            if isinstance(value, bool):
                return value
            raise ValueError(_("Expected true or false."))
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError(_("Expected a number."))
        try:
            number = float(value)
        except ValueError:
            raise ValueError(_("Expected a number.")) from None
        if self.type == "int":
            if number != int(number):
                raise ValueError(_("Expected a whole number."))
            number = int(number)
        if not (self.minimum <= number <= self.maximum):
            raise ValueError(
                _("Must be between %(minimum)s and %(maximum)s.") % {"minimum": self.minimum, "maximum": self.maximum}
            )
        return number


#: the proposal types (``governance.Proposal.Kind``) and their voting windows' bounds by default, in hours
VOTING_HOURS_MIN = {"rule_change": 24, "policy": 24, "sanction": 48, "charter_change": 72, "council_seat": 48}
VOTING_HOURS_MAX = {"rule_change": 336, "policy": 336, "sanction": 336, "charter_change": 720, "council_seat": 336}
#: how a chamber's seats may be filled (``governance.seats.<chamber>``), and each chamber's default
SEAT_FILLING = ("election", "nomination", "appointment")
SEAT_FILLING_DEFAULTS = {
    "leading_enterprises": "election",
    "industry_experts": "nomination",
    "institutions": "appointment",
    "member_representatives": "election",
}


def per_name(prefix: str, defaults: dict, **common) -> tuple["RuleDefinition", ...]:
    """One rule per name of ``defaults`` (``<prefix>.<name>``, its default beside it), alike otherwise."""
    return tuple(RuleDefinition(key=f"{prefix}.{name}", default=value, **common) for name, value in defaults.items())


REGISTRY: dict[str, RuleDefinition] = {
    rule.key: rule
    for rule in (
        RuleDefinition(
            key="moderation.open_reports_to_suspend",
            default=3,
            minimum=1,
            maximum=50,
            unit="reports",
            description=_(
                "Distinct member enterprises with an open report against a member that propose its suspension."
            ),
        ),
        RuleDefinition(
            key="moderation.auto_suspend_without_review",
            default=False,
            minimum=0,
            maximum=1,
            unit="yes/no",
            description=_(
                "Whether reports reaching the threshold suspend a member at once, without an administrator's review."
            ),
        ),
        RuleDefinition(
            key="moderation.reports_per_day",
            default=5,
            minimum=1,
            maximum=1000,
            unit="reports",
            description=_("Reports one person, and one member enterprise, may file in the cluster in 24 hours."),
        ),
        *per_name(
            "matching.weight",
            DEFAULT_WEIGHTS,
            minimum=0.0,
            maximum=1.0,
            unit="weight",
            description=_("Weight of a factor in a production match's score."),
        ),
        *per_name(
            "matching.channel_weight",
            DEFAULT_CHANNEL_WEIGHTS,
            minimum=0.0,
            maximum=1.0,
            unit="weight",
            description=_("Weight of a factor in a channel match's score."),
        ),
        RuleDefinition(
            key="matching.price_tolerance",
            default=0.10,
            minimum=0.0,
            maximum=1.0,
            unit="fraction",
            description=_("How far above an order's target price a supply may ask (0.10 = 10 %)."),
        ),
        RuleDefinition(
            key="matching.candidates_per_demand",
            default=20,
            minimum=1,
            maximum=200,
            unit="supplies",
            description=_("Best feasible supplies kept per demand before allocation."),
        ),
        RuleDefinition(
            key="marketplace.proposal_expiry_hours",
            default=72,
            minimum=1,
            maximum=720,
            unit="hours",
            description=_("Hours a proposed match waits for both sides before it expires."),
        ),
        RuleDefinition(
            key="marketplace.open_listings_per_member",
            default=200,
            minimum=1,
            maximum=10000,
            unit="listings",
            description=_("Open listings one member enterprise may have in the cluster at once."),
        ),
        RuleDefinition(
            key="marketplace.rating_publication_days",
            default=7,
            minimum=1,
            maximum=60,
            unit="days",
            description=_("Days after delivery when ratings are published even if one side has not rated."),
        ),
        RuleDefinition(
            key="marketplace.payment_term_days_max",
            default=90,
            minimum=0,
            maximum=365,
            unit="days",
            description=_("Longest payment term a deal may carry."),
        ),
        RuleDefinition(
            key="governance.quorum",
            default=0.5,
            minimum=0.0,
            maximum=1.0,
            unit="fraction of seats",
            description=_("Share of the seats that must vote for a result to count."),
        ),
        RuleDefinition(
            key="governance.majority_threshold",
            default=0.5,
            minimum=0.5,
            maximum=1.0,
            unit="fraction of votes cast",
            description=_("Yes votes must exceed this share of yes and no votes for rules, policies and sanctions."),
        ),
        RuleDefinition(
            key="governance.charter_threshold",
            default=2 / 3,
            minimum=0.5,
            maximum=1.0,
            unit="fraction of seats",
            description=_("Share of all seats that must vote yes to change the charter."),
        ),
        RuleDefinition(
            key="governance.per_chamber_quorum",
            default=False,
            minimum=0,
            maximum=1,
            unit="yes/no",
            description=_("Whether every chamber must reach the quorum on its own."),
        ),
        RuleDefinition(
            key="governance.votes_changeable",
            default=True,
            minimum=0,
            maximum=1,
            unit="yes/no",
            description=_("Whether a seat may change its vote until the window closes."),
        ),
        RuleDefinition(
            key="governance.petition_cosigners",
            default=3,
            minimum=0,
            maximum=1000,
            unit="enterprises",
            description=_(
                "Member enterprises that must co-sign a petition before the council debates it (0: no petitions)."
            ),
        ),
        RuleDefinition(
            key="governance.open_proposals_per_author",
            default=5,
            minimum=1,
            maximum=100,
            unit="proposals",
            description=_("Proposals one person may have open (drafting, deliberation or voting) at once."),
        ),
        RuleDefinition(
            key="governance.voting_hours",
            default=72,
            minimum=1,
            maximum=720,
            unit="hours",
            description=_("Default length of a voting window."),
        ),
        *per_name(
            "governance.voting_hours_min",
            VOTING_HOURS_MIN,
            minimum=1,
            maximum=720,
            unit="hours",
            description=_("Shortest voting window for this type of proposal."),
        ),
        *per_name(
            "governance.voting_hours_max",
            VOTING_HOURS_MAX,
            minimum=1,
            maximum=2160,
            unit="hours",
            description=_("Longest voting window for this type of proposal."),
        ),
        *(
            RuleDefinition(
                key=f"governance.seats.{chamber}",
                default=filled_by,
                minimum=None,
                maximum=None,
                unit="filled by",
                description=_(
                    "How this chamber's seats are filled: election (a member enterprise's co-signed petition puts "
                    "the candidate forward), nomination (the chamber's seat holders put the candidate forward) or "
                    "appointment (any seat holder does); the council's vote then seats the candidate."
                ),
                choices=SEAT_FILLING,
            )
            for chamber, filled_by in SEAT_FILLING_DEFAULTS.items()
        ),
        RuleDefinition(
            key="monitoring.overdue_grace_days",
            default=3,
            minimum=0,
            maximum=60,
            unit="days",
            description=_("Days a supplier may miss a deal's due date before other suppliers are proposed."),
        ),
        RuleDefinition(
            key="monitoring.replacement_horizon_days",
            default=30,
            minimum=1,
            maximum=180,
            unit="days",
            description=_("Delivery horizon given to other suppliers proposed for a late deal."),
        ),
        RuleDefinition(
            key="monitoring.stale_listing_days",
            default=30,
            minimum=1,
            maximum=365,
            unit="days",
            description=_("Days without change after which an open listing is marked stale."),
        ),
        RuleDefinition(
            key="monitoring.expiry_warning_days",
            default=7,
            minimum=1,
            maximum=90,
            unit="days",
            description=_("How many days ahead capacity windows and need-by dates raise an alert."),
        ),
        RuleDefinition(
            key="monitoring.certification_warning_days",
            default=30,
            minimum=1,
            maximum=180,
            unit="days",
            description=_("How many days before expiry a certification raises an alert."),
        ),
        RuleDefinition(
            key="membership.invitation_days",
            default=14,
            minimum=1,
            maximum=90,
            unit="days",
            description=_("Days an invitation to join an enterprise stays valid."),
        ),
    )
}


#: Parameters that belong to the charter: changed only by a charter-change proposal.
CHARTER_KEYS = frozenset(key for key in REGISTRY if key.startswith("governance."))


def defaults() -> dict:
    return {key: rule.default for key, rule in REGISTRY.items()}


def rules_in_force(cluster, at=None) -> dict:
    """Every parameter's value in force for ``cluster`` at ``at`` (now by default).

    ``cluster`` may be a Cluster, its id, or None (the defaults). The enacted versions that
    have taken effect by then are applied in order of taking effect, so a change scheduled
    for a later date is not undone by another enacted before that date.
    """
    values = defaults()
    if cluster is None:
        return values
    from apps.governance.selectors import rulebook_changes_in_force

    for changes in rulebook_changes_in_force(cluster=cluster, at=at):
        values.update({k: v for k, v in changes.items() if k in REGISTRY})
    return values


def rule_value(*, cluster, key: str):
    """The value in force for ``key`` in ``cluster``: the last enacted version's, else the default."""
    return rules_in_force(cluster)[key]


def matching_rules(*, cluster, today):
    """The engine's ``Rules`` for ``cluster`` as in force today."""
    from apps.matching.engine import Rules

    values = rules_in_force(cluster)
    return Rules(
        today=today,
        price_tolerance=float(values["matching.price_tolerance"]),
        weights={f: float(values[f"matching.weight.{f}"]) for f in DEFAULT_WEIGHTS},
        channel_weights={f: float(values[f"matching.channel_weight.{f}"]) for f in DEFAULT_CHANNEL_WEIGHTS},
        max_candidates_per_demand=int(values["matching.candidates_per_demand"]),
    )
