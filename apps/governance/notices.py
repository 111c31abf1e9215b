"""How governance's notifications read: registered with the notifications app from ready()."""

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.notifications import messages
from apps.tenancy.rules import REGISTRY


def _closes_at(values: dict) -> dict:
    closes = parse_datetime(values["closes_at"])
    return {**values, "time": formats.date_format(timezone.localtime(closes), "DATETIME_FORMAT")}


def _changes(values: dict) -> str:
    """Each parameter by its name in the reader's language, its new value in its unit's words."""
    parts = []
    for key, value in values.get("changes", {}).items():
        rule = REGISTRY.get(key)
        if rule is None:  # a parameter since retired: its key is all there is
            parts.append(f"{key} = {value}")
            continue
        shown = rule.choice_label(value) if rule.type == "choice" else value
        parts.append(f"{rule.name or key}: {shown} {rule.unit_label}".rstrip())
    # Translators: the separator between the items of a list
    return _(", ").join(parts)


def _outcome(values: dict) -> dict:
    from .models import Proposal

    return {**values, "outcome": Proposal.Status(values["status"]).label.lower()}


def register() -> None:
    messages.register(
        "governance.voting_opened",
        gettext_lazy("Voting is open: %(title)s"),
        gettext_lazy("The vote closes at %(time)s."),
        prepare=_closes_at,
    )
    messages.register("governance.voting_closes_soon", gettext_lazy("Voting closes within a day: %(title)s"))
    messages.register("governance.rule_changed", gettext_lazy("The council changed the rules: %(title)s"), _changes)
    messages.register(
        "governance.proposal_decided",
        gettext_lazy("The vote on “%(title)s” is decided: %(outcome)s"),
        gettext_lazy("%(yes)d for, %(no)d against, %(abstain)d abstaining."),
        prepare=_outcome,
    )
