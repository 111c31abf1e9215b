"""The charter: the rulebook parameters of governance (quorum, thresholds, voting windows, how
seats are filled), changed only by a charter-change proposal. Provided to tenancy's rulebook
(``apps.tenancy.rules``) from ``GovernanceConfig.ready()``, with where the enacted versions are
read (``selectors.rulebook_changes_in_force``)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.tenancy.rules import RuleDefinition, per_name

from .models import Proposal, Seat

#: the proposal types (``governance.Proposal.Kind``) and their voting windows' bounds by default, in hours
VOTING_HOURS_MIN = {
    "rule_change": 24,
    "policy": 24,
    "sanction": 48,
    "charter_change": 72,
    "council_seat": 48,
    "partnership": 72,
}
VOTING_HOURS_MAX = {
    "rule_change": 336,
    "policy": 336,
    "sanction": 336,
    "charter_change": 720,
    "council_seat": 336,
    "partnership": 336,
}
#: how a chamber's seats may be filled (``governance.seats.<chamber>``), and each chamber's default
SEAT_FILLING = ("election", "nomination", "appointment")
SEAT_FILLING_LABELS = {"election": _("election"), "nomination": _("nomination"), "appointment": _("appointment")}
SEAT_FILLING_DEFAULTS = {
    "leading_enterprises": "election",
    "industry_experts": "nomination",
    "institutions": "appointment",
    "member_representatives": "election",
}


CHARTER_RULES = (
    RuleDefinition(
        key="governance.quorum",
        default=0.5,
        minimum=0.0,
        maximum=1.0,
        unit="fraction of seats",
        name=_("Quorum"),
        description=_("Share of the seats that must vote for a result to count."),
    ),
    RuleDefinition(
        key="governance.majority_threshold",
        default=0.5,
        minimum=0.5,
        maximum=1.0,
        unit="fraction of votes cast",
        name=_("Majority threshold"),
        description=_("Yes votes must exceed this share of yes and no votes for rules, policies and sanctions."),
    ),
    RuleDefinition(
        key="governance.charter_threshold",
        default=2 / 3,
        minimum=0.5,
        maximum=1.0,
        unit="fraction of seats",
        name=_("Charter threshold"),
        description=_("Share of all seats that must vote yes to change the charter."),
    ),
    RuleDefinition(
        key="governance.per_chamber_quorum",
        default=False,
        minimum=0,
        maximum=1,
        unit="yes/no",
        name=_("Quorum in every chamber"),
        description=_("Whether every chamber must reach the quorum on its own."),
    ),
    RuleDefinition(
        key="governance.votes_changeable",
        default=True,
        minimum=0,
        maximum=1,
        unit="yes/no",
        name=_("Votes may be changed"),
        description=_("Whether a seat may change its vote until the window closes."),
    ),
    RuleDefinition(
        key="governance.petition_cosigners",
        default=3,
        minimum=0,
        maximum=1000,
        unit="enterprises",
        name=_("Co-signers a petition needs"),
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
        name=_("Open proposals per author"),
        description=_("Proposals one person may have open (drafting, deliberation or voting) at once."),
    ),
    RuleDefinition(
        key="governance.voting_hours",
        default=72,
        minimum=1,
        maximum=720,
        unit="hours",
        name=_("Default voting window"),
        description=_("Default length of a voting window."),
    ),
    *per_name(
        "governance.voting_hours_min",
        VOTING_HOURS_MIN,
        minimum=1,
        maximum=720,
        unit="hours",
        names={k: format_lazy(_("Shortest vote: {kind}"), kind=Proposal.Kind(k).label) for k in VOTING_HOURS_MIN},
        descriptions={
            k: format_lazy(
                _("The shortest voting window a proposal of this type may have: {kind}."), kind=Proposal.Kind(k).label
            )
            for k in VOTING_HOURS_MIN
        },
    ),
    *per_name(
        "governance.voting_hours_max",
        VOTING_HOURS_MAX,
        minimum=1,
        maximum=2160,
        unit="hours",
        names={k: format_lazy(_("Longest vote: {kind}"), kind=Proposal.Kind(k).label) for k in VOTING_HOURS_MAX},
        descriptions={
            k: format_lazy(
                _("The longest voting window a proposal of this type may have: {kind}."), kind=Proposal.Kind(k).label
            )
            for k in VOTING_HOURS_MAX
        },
    ),
    *(
        RuleDefinition(
            key=f"governance.seats.{chamber}",
            default=filled_by,
            minimum=None,
            maximum=None,
            unit="filled by",
            name=format_lazy(_("How seats are filled: {chamber}"), chamber=Seat.Chamber(chamber).label),
            description=format_lazy(
                _(
                    "How the seats of this chamber ({chamber}) are filled: election (a member enterprise's "
                    "co-signed petition puts the candidate forward), nomination (the chamber's seat holders put "
                    "the candidate forward) or appointment (any seat holder does); the council's vote then seats "
                    "the candidate."
                ),
                chamber=Seat.Chamber(chamber).label,
            ),
            choices=SEAT_FILLING,
            choice_labels=SEAT_FILLING_LABELS,
        )
        for chamber, filled_by in SEAT_FILLING_DEFAULTS.items()
    ),
)
