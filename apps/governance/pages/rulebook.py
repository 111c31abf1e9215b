"""The rulebook: every parameter in force with its range, default and charter flag, and the
history of its versions (what each changed, before and after)."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.core.forms import PageQuery, query_string
from apps.tenancy.pages import cluster_page
from apps.tenancy.rules import CHARTER_KEYS, REGISTRY, defaults, rules_in_force

from .. import selectors
from ..forms import format_value
from ..models import RuleVersion
from .base import READERS, READERS_REFUSAL, rule_range, unit

HISTORY_PAGE_SIZE = 20
#: the rulebook's sections (the first part of a parameter's key)
RULE_GROUPS = {
    "moderation": gettext_lazy("Moderation"),
    "matching": gettext_lazy("Matching"),
    "marketplace": gettext_lazy("Marketplace"),
    "governance": gettext_lazy("Governance (the charter)"),
    "monitoring": gettext_lazy("Monitoring"),
    "membership": gettext_lazy("Membership"),
}


def _history(versions: list[RuleVersion], previous: RuleVersion | None, in_force: RuleVersion | None) -> None:
    """What each version changed: every parameter's value before and after (versions newest first)."""
    now = timezone.now()
    for index, version in enumerate(versions):
        older = versions[index + 1] if index + 1 < len(versions) else previous
        before = {**defaults(), **(older.values if older else {})}
        version.rows = [
            {
                "key": key,
                "description": REGISTRY[key].description if key in REGISTRY else "",
                "unit": unit(key),
                "before": format_value(before.get(key)),
                "after": format_value(value),
            }
            for key, value in (version.changes or {}).items()
        ]
        version.scheduled = version.effective_at > now
        version.is_in_force = in_force is not None and version.pk == in_force.pk


def _group_order(key: str) -> int:
    """Parameters by section (in the order of ``RULE_GROUPS``), in the registry's order within each."""
    groups = list(RULE_GROUPS)
    group = key.partition(".")[0]
    return groups.index(group) if group in groups else len(groups)


@cluster_page(*READERS, refusal=READERS_REFUSAL)
def rulebook(request, slug):
    access = request.cluster_access
    values = rules_in_force(access.cluster)
    in_force = selectors.rulebook_version_in_force(cluster=access.cluster)
    rules = [
        {
            "key": key,
            "group": key.partition(".")[0],
            "description": rule.description,
            "value": format_value(values[key]),
            "unit": unit(key),
            "range": rule_range(key),
            "default": format_value(rule.default),
            "charter": key in CHARTER_KEYS,
            "changed": values[key] != rule.default,
        }
        for key, rule in sorted(REGISTRY.items(), key=lambda item: _group_order(item[0]))
    ]
    for rule in rules:
        rule["group_label"] = RULE_GROUPS.get(rule["group"], rule["group"].capitalize())
    query = PageQuery(request.GET)
    page = query.page_of(selectors.rulebook_history(cluster=access.cluster), HISTORY_PAGE_SIZE)
    versions = list(page.object_list)
    previous = selectors.rule_version_before(cluster=access.cluster, number=versions[-1].number) if versions else None
    _history(versions, previous, in_force)
    return render(
        request,
        "governance/rulebook.html",
        access.context(
            rules=rules,
            in_force=in_force,
            page=page,
            versions=versions,
            paging_query=query_string(query),
            checkpoint=selectors.chain_checkpoints(cluster=access.cluster).first(),
        ),
    )
