"""The rulebook: every parameter in force with its range, default and charter flag, and the
history of its versions (what each changed, before and after)."""

from django.shortcuts import render
from django.utils import timezone

from apps.core.forms import PageQuery, query_string
from apps.tenancy.pages import cluster_page
from apps.tenancy.rules import REGISTRY, defaults, rules_in_force

from .. import selectors
from ..forms import in_section_order, section_label, section_of, value_text
from ..models import RuleVersion
from .base import READERS, READERS_REFUSAL, parameter

HISTORY_PAGE_SIZE = 20


def _history(versions: list[RuleVersion], previous: RuleVersion | None, in_force: RuleVersion | None) -> None:
    """What each version changed: every parameter's value before and after (versions newest first)."""
    now = timezone.now()
    for index, version in enumerate(versions):
        older = versions[index + 1] if index + 1 < len(versions) else previous
        before = {**defaults(), **(older.values if older else {})}
        version.rows = [
            {**parameter(key), "before": value_text(key, before.get(key)), "after": value_text(key, value)}
            for key, value in (version.changes or {}).items()
        ]
        version.scheduled = version.effective_at > now
        version.is_in_force = in_force is not None and version.pk == in_force.pk


@cluster_page(*READERS, refusal=READERS_REFUSAL)
def rulebook(request, slug):
    access = request.cluster_access
    values = rules_in_force(access.cluster)
    in_force = selectors.rulebook_version_in_force(cluster=access.cluster)
    rules = [
        {
            **parameter(key),
            "group": section_of(key),
            "group_label": section_label(section_of(key)),
            "value": value_text(key, values[key]),
            "default": value_text(key, REGISTRY[key].default),
            "changed": values[key] != REGISTRY[key].default,
        }
        for key in in_section_order(REGISTRY)
    ]
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
