"""The rulebook: a typed registry of the parameters the platform reads at run time.

Every value in force is read through one selector, ``rule_value(cluster=…, key=…)`` (or
``rules_in_force(cluster)`` for many at once): the value of the cluster's latest enacted
rulebook version, else the registry default.

Tenancy keeps the registry, not its contents: the app that reads a family of parameters
declares it and provides it from its ``AppConfig.ready()`` (``provide_rules``: membership the
``moderation.*`` and ``membership.*`` ones, matching ``matching.*``, governance the charter,
``governance.*``, monitoring ``monitoring.*``), and governance, which keeps the enacted
versions, provides where they are read (``provide_rulebook``).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

#: the units of the rulebook's parameters (``RuleDefinition.unit``, a stable code in the API), as people read them
UNITS = {
    "reports": _("reports"),
    "weight": _("weight"),
    "fraction": _("fraction"),
    "supplies": _("supplies"),
    "hours": _("hours"),
    "listings": _("listings"),
    "days": _("days"),
    "proposals": _("proposals"),
    "enterprises": _("enterprises"),
    "fraction of seats": _("fraction of seats"),
    "fraction of votes cast": _("fraction of votes cast"),
    "yes/no": _("yes/no"),
    "filled by": _("filled by"),
    "option": _("option"),
    "yuan": _("yuan"),
    "MB": _("MB"),
    "document kind": _("document kind"),
    "bookings": _("bookings"),
    "months": _("months"),
}


def _number(value) -> str:
    return format(value, ".6g") if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class RuleDefinition:
    """One parameter: its key (stable, in the API), type and range, and what people read of it — its
    own ``name`` and ``description`` (translated), its unit and, for a choice, each value's label."""

    key: str
    default: int | float | bool | str
    minimum: int | float | None
    maximum: int | float | None
    unit: str
    description: str
    #: the values a ``choice`` rule may take (its default is one of them); empty for the others
    choices: tuple[str, ...] = ()
    #: the parameter's name as people read it ("Weight of price in production matches")
    name: str = ""
    #: a choice's values as people read them, by value
    choice_labels: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def type(self) -> str:
        if self.choices:
            return "choice"
        if isinstance(self.default, bool):
            return "bool"
        return "int" if isinstance(self.default, int) else "float"

    @property
    def unit_label(self) -> str:
        return str(UNITS.get(self.unit, self.unit))

    def choice_label(self, value) -> str:
        return str(self.choice_labels.get(value, value))

    @property
    def range_label(self) -> str:
        """The values it may take, as people read them: "0 – 1", "yes or no", "election / nomination"."""
        if self.type == "bool":
            return gettext("yes or no")
        if self.type == "choice":
            return " / ".join(self.choice_label(choice) for choice in self.choices)
        return f"{_number(self.minimum)} – {_number(self.maximum)}"

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


def per_name(prefix: str, defaults: dict, *, names: dict, descriptions: dict, **common) -> tuple[RuleDefinition, ...]:
    """One rule per name of ``defaults`` (``<prefix>.<name>``, its default beside it), each with its own
    ``names[name]`` and ``descriptions[name]``, alike otherwise."""
    return tuple(
        RuleDefinition(
            key=f"{prefix}.{name}", default=value, name=names[name], description=descriptions[name], **common
        )
        for name, value in defaults.items()
    )


#: every parameter, by key: the families in their ``order`` (the rulebook's sections), each in its own order
REGISTRY: dict[str, RuleDefinition] = {}
#: Parameters that belong to the charter: changed only by a charter-change proposal.
CHARTER_KEYS: set[str] = set()
#: (order, arrival, rules) of each family provided
_FAMILIES: list[tuple[int, int, tuple[RuleDefinition, ...]]] = []
#: ``changes_in_force(cluster=…, at=…)``: the changes of the enacted versions in effect, in the order they took effect
_RULEBOOK: list[Callable[..., Iterable[dict]]] = []


def provide_rules(*rules: RuleDefinition, order: int, charter: bool = False) -> None:
    """Add a family of parameters to the registry (from an ``AppConfig.ready()``). ``order`` places the
    family among the others (the rulebook lists its sections in that order); ``charter`` marks
    parameters that only a charter change may change."""
    taken = [rule.key for rule in rules if rule.key in REGISTRY]
    if taken:
        raise ValueError(f"rulebook parameters provided twice: {', '.join(taken)}")
    _FAMILIES.append((order, len(_FAMILIES), rules))
    ordered = [rule for _order, _arrival, family in sorted(_FAMILIES) for rule in family]
    REGISTRY.clear()
    REGISTRY.update({rule.key: rule for rule in ordered})
    if charter:
        CHARTER_KEYS.update(rule.key for rule in rules)


def provide_rulebook(changes_in_force: Callable[..., Iterable[dict]]) -> None:
    """Where the enacted versions are read (governance's ``rulebook_changes_in_force``)."""
    _RULEBOOK[:] = [changes_in_force]


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
    for changes_in_force in _RULEBOOK:
        for changes in changes_in_force(cluster=cluster, at=at):
            values.update({k: v for k, v in changes.items() if k in REGISTRY})
    return values


def rule_value(*, cluster, key: str):
    """The value in force for ``key`` in ``cluster``: the last enacted version's, else the default."""
    return rules_in_force(cluster)[key]
