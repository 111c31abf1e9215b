"""A matching run in words a person reads, in the reader's language: what started it (the trigger a
run stores as a code with its parameters, e.g. ``order:42:new``, ``batch:order:17``), how the solver worked (its
method code), how long it took (started → finished), and its counts grouped as the page shows them.
"""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.marketplace.models import LISTING_MODELS, MatchingRun

LISTING_EVENTS = {
    # (listing kind, what happened to it) -> what the run page says started the run
    ("order", "new"): gettext_lazy("New order: %(title)s"),
    ("order", "changed"): gettext_lazy("Order changed: %(title)s"),
    ("order", "published"): gettext_lazy("Order published: %(title)s"),
    ("capacity", "new"): gettext_lazy("New capacity offer: %(title)s"),
    ("capacity", "changed"): gettext_lazy("Capacity offer changed: %(title)s"),
    ("capacity", "published"): gettext_lazy("Capacity offer published: %(title)s"),
    ("channel_request", "new"): gettext_lazy("New channel request: %(title)s"),
    ("channel_request", "changed"): gettext_lazy("Channel request changed: %(title)s"),
    ("channel_request", "published"): gettext_lazy("Channel request published: %(title)s"),
    ("channel_offer", "new"): gettext_lazy("New channel offer: %(title)s"),
    ("channel_offer", "changed"): gettext_lazy("Channel offer changed: %(title)s"),
    ("channel_offer", "published"): gettext_lazy("Channel offer published: %(title)s"),
}
METHODS = {
    "exact": gettext_lazy("exact optimum (mixed-integer programming)"),
    "mip-time-limit": gettext_lazy("best plan found within the time limit (mixed-integer programming)"),
    "flow+repair": gettext_lazy("flow relaxation, then repaired (a large problem)"),
}
RUN_COUNT_LABELS = {
    "demands": gettext_lazy("Demands"),
    "supplies": gettext_lazy("Supplies"),
    "candidate_pairs": gettext_lazy("Candidate pairs"),
    "proposals_created": gettext_lazy("Proposals created"),
    "proposals_kept": gettext_lazy("Kept"),
    "proposals_rescored": gettext_lazy("Re-scored"),
    "proposals_rescored_answered": gettext_lazy("Re-scored (answered by one side)"),
    "proposals_withdrawn": gettext_lazy("Withdrawn"),
}
RUN_DETAIL_LABELS = {
    "method": gettext_lazy("Method"),
    "objective": gettext_lazy("Objective"),
    "bound": gettext_lazy("Bound"),
    "gap_percent": gettext_lazy("Gap (%)"),
    "greedy_objective": gettext_lazy("Greedy objective"),
    "solve_seconds": gettext_lazy("Solve time (s)"),
}
RUN_COUNT_GROUPS = {"production": gettext_lazy("Production"), "channel": gettext_lazy("Channels")}
#: what the run records beside its counts (shown apart)
NOT_COUNTS = {"rulebook_version"}


def _number(text: str) -> int | None:
    """A trigger's numeric parameter (a listing id, a count, a version), or None."""
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None


def _parse(trigger: str) -> tuple[str, list[str]]:
    """``order:42:new`` -> ("order", ["42", "new"]); the older ``replan order x3`` too."""
    if trigger.startswith("replan ") and " x" in trigger:
        kind, _x, count = trigger.removeprefix("replan ").partition(" x")
        return "replan", [kind, count]
    head, _sep, rest = trigger.partition(":")
    return head, rest.split(":") if rest else []


def listing_titles(runs) -> dict[tuple[str, int], str]:
    """The titles of the listings the runs' triggers name: one query per kind of listing named."""
    wanted: dict[str, set[int]] = {}
    for run in runs:
        head, params = _parse(run.trigger or "")
        if head in LISTING_MODELS and params and _number(params[0]) is not None:
            wanted.setdefault(head, set()).add(_number(params[0]))
    titles = {}
    for kind, ids in wanted.items():
        for pk, title in LISTING_MODELS[kind].objects.filter(pk__in=ids).values_list("pk", "title"):
            titles[(kind, pk)] = title
    return titles


def method_text(code: str) -> str:
    """The solver's method code in words (``exact/greedy``: the greedy baseline won)."""
    base, greedy, _rest = str(code).partition("/greedy")
    text = str(METHODS.get(base, base))
    return _("%(method)s; the greedy baseline was better") % {"method": text} if greedy else text


def trigger_text(run: MatchingRun, titles: dict[tuple[str, int], str]) -> str:
    head, params = _parse(run.trigger or "")
    if head in LISTING_MODELS and params and _number(params[0]) is not None:
        title = titles.get((head, _number(params[0]))) or _("listing %(id)s (since removed)") % {"id": params[0]}
        event = params[1] if len(params) > 1 else "new"
        template = LISTING_EVENTS.get((head, event), LISTING_EVENTS[(head, "new")])
        return template % {"title": title}
    if head == "replan" and len(params) == 2 and _number(params[1]) is not None:
        count = _number(params[1])
        if params[0] == "channel_request":
            return ngettext(
                "Re-matching %(count)d channel request that lost its proposals",
                "Re-matching %(count)d channel requests that lost their proposals",
                count,
            ) % {"count": count}
        return ngettext(
            "Re-matching %(count)d order that lost its proposals",
            "Re-matching %(count)d orders that lost their proposals",
            count,
        ) % {"count": count}
    if head == "batch" and len(params) == 2 and params[0] in LISTING_MODELS and _number(params[1]) is not None:
        count = _number(params[1])
        return ngettext(
            "One pass over %(count)d new or changed listing (%(kind)s)",
            "One pass over %(count)d new or changed listings (%(kind)s)",
            count,
        ) % {"count": count, "kind": LISTING_MODELS[params[0]]._meta.verbose_name_plural}
    if head == "rules" and params and _number(params[0]) is not None:
        return _("Rule change: rulebook version %(version)s") % {"version": params[0]}
    if run.kind == MatchingRun.Kind.FULL:
        if run.requested_by_id:
            return _("Full re-plan, started by %(person)s") % {"person": run.requested_by.get_short_name()}
        return _("Scheduled full re-plan")
    return run.trigger


def duration_seconds(run: MatchingRun, now: datetime.datetime) -> float | None:
    """Seconds from the run's start to its finish (or to ``now`` while it runs); None while queued."""
    if run.started_at is None:
        return None
    return ((run.finished_at or now) - run.started_at).total_seconds()


def duration_text(run: MatchingRun, now: datetime.datetime) -> str:
    """How long the run took (started → finished), or has been running; blank while queued."""
    seconds = duration_seconds(run, now)
    if seconds is None:
        return ""
    if seconds < 1:
        amount = _("%(ms)d ms") % {"ms": max(1, round(seconds * 1000))}
    elif seconds < 120:
        amount = _("%(seconds).1f s") % {"seconds": seconds}
    else:
        amount = _("%(minutes)d min %(seconds)d s") % {"minutes": seconds // 60, "seconds": seconds % 60}
    if run.finished_at is None:
        return _("running for %(duration)s") % {"duration": amount}
    return _("took %(duration)s") % {"duration": amount}


def run_counts(run: MatchingRun) -> list[dict]:
    """A run's counts as the page shows them: per group (production, channels), the main counts in a
    fixed order and the solver's figures apart (its method in words)."""
    groups: dict[str, dict] = {}
    for key, number in (run.counts or {}).items():
        if key in NOT_COUNTS:
            continue
        prefix, _sep, rest = key.partition("_")
        group, name = (prefix, rest) if prefix in RUN_COUNT_GROUPS and rest else ("", key)
        groups.setdefault(group, {})[name] = number
    shown = []
    for group, counts in groups.items():
        main = [(label, counts[name]) for name, label in RUN_COUNT_LABELS.items() if name in counts]
        details = [
            (RUN_DETAIL_LABELS.get(name, name.replace("_", " ")), method_text(value) if name == "method" else value)
            for name, value in counts.items()
            if name not in RUN_COUNT_LABELS
        ]
        shown.append({"label": RUN_COUNT_GROUPS.get(group, ""), "main": main, "details": details})
    return shown


def describe(runs) -> None:
    """Set on each run what its row shows: ``trigger_text``, ``duration``, ``count_groups``, ``live``."""
    titles, now = listing_titles(runs), timezone.now()
    for run in runs:
        run.trigger_text = trigger_text(run, titles)
        run.duration = duration_text(run, now)
        run.count_groups = run_counts(run)
        run.live = run.status in (MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING)
        run.rulebook_version = (run.counts or {}).get("rulebook_version")
