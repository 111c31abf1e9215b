"""The rulebook: rule and charter changes checked against the registry, and a passed change
enacted as a new version of the cluster's rulebook (announced to the member enterprises)."""

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.membership.models import EnterpriseMember, Membership
from apps.notifications.services import notify_users
from apps.tenancy.rules import CHARTER_KEYS, REGISTRY, rules_in_force

from ..chain import chain_append
from ..models import Proposal, RuleVersion
from ..signals import rulebook_enacted


def validate_changes(*, kind: str, changes, cluster=None) -> dict:
    """Rule changes checked against the rulebook's types and ranges; errors keyed ``changes.<key>``.

    With ``cluster``, the voting windows' bounds the change leaves in force must stay ordered
    (each type's shortest window no longer than its longest).
    """
    if kind not in (Proposal.Kind.RULE_CHANGE, Proposal.Kind.CHARTER_CHANGE):
        if changes:
            raise DomainError(_("Only rule and charter changes carry parameter changes."), field="changes")
        return {}
    if not isinstance(changes, dict) or not changes:
        raise DomainError(_("Name at least one rulebook parameter and its new value."), field="changes")
    cleaned = {}
    for key, value in changes.items():
        rule = REGISTRY.get(key)
        if rule is None:
            raise DomainError(_("Unknown rulebook parameter."), field=f"changes.{key}")
        if (key in CHARTER_KEYS) != (kind == Proposal.Kind.CHARTER_CHANGE):
            raise DomainError(
                _("Charter parameters change only through a charter change, and only they do."), field=f"changes.{key}"
            )
        try:
            cleaned[key] = rule.clean(value)
        except ValueError as exc:
            raise DomainError(str(exc), field=f"changes.{key}") from None
    if cluster is not None:
        _check_window_bounds(values={**rules_in_force(cluster), **cleaned}, changed=cleaned)
    return cleaned


def _check_window_bounds(*, values: dict, changed: dict) -> None:
    for key in changed:
        bound, _dot, kind = key.rpartition(".")
        if bound not in ("governance.voting_hours_min", "governance.voting_hours_max"):
            continue
        if values[f"governance.voting_hours_min.{kind}"] > values[f"governance.voting_hours_max.{kind}"]:
            raise DomainError(
                _("The shortest voting window cannot be longer than the longest one."), field=f"changes.{key}"
            )


def voting_window_bounds(*, kind: str, rules: dict) -> tuple[int, int]:
    """The charter's shortest and longest voting window for a type of proposal, in hours."""
    return rules[f"governance.voting_hours_min.{kind}"], rules[f"governance.voting_hours_max.{kind}"]


def rulebook_enact(proposal: Proposal) -> RuleVersion:
    """A passed rule or charter change becomes the rulebook's next version (from its date, else at once)."""
    cluster = proposal.cluster
    effective = proposal.effective_at or timezone.now()  # at once, unless the proposal stated a date
    values = rules_in_force(cluster, at=effective)  # a snapshot for reading; what applies is `changes`
    values.update(proposal.changes)
    number = (RuleVersion.objects.filter(cluster=cluster).aggregate(n=Max("number"))["n"] or 0) + 1
    version = RuleVersion.objects.create(
        cluster=cluster,
        number=number,
        values=values,
        changes=proposal.changes,
        proposal=proposal,
        effective_at=effective,
    )
    chain_append(
        cluster=cluster,
        kind="rulebook.version",
        payload={
            "version": number,
            "proposal": proposal.pk,
            "changes": proposal.changes,
            "effective_at": version.effective_at,
        },
    )
    _notify_members_of_rule_change(proposal)
    rulebook_enacted.send(sender=RuleVersion, version=version)
    return version


def _notify_members_of_rule_change(proposal: Proposal) -> None:
    users = {
        person.user_id: person.user
        for person in EnterpriseMember.objects.filter(
            enterprise__memberships__cluster=proposal.cluster,
            enterprise__memberships__status=Membership.Status.ACTIVE,
            role__in=[EnterpriseMember.Role.OWNER, EnterpriseMember.Role.ADMIN],
        ).select_related("user")
    }
    notify_users(
        users=users.values(),
        kind="governance.rule_changed",
        params={"proposal": proposal.pk, "title": proposal.title, "changes": proposal.changes},
        link=reverse("rulebook", args=[proposal.cluster.slug]),
        cluster=proposal.cluster,
        email=False,
    )
