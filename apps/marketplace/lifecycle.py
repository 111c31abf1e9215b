"""The marketplace's states as data, and the checks beside them (as ``membership/lifecycle.py``).

Listings, by their owner's hand::

    draft ──publish──▶ open ⇄ partially filled ──(filled by deals)──▶ filled
      │                  │            │
      └──────cancel──────┴──close / cancel──▶ closed / cancelled      (expired: past its dates)

Matches: proposed ──both sides accept──▶ accepted (a deal) · ──decline──▶ declined · expired · withdrawn.

Deals, each milestone recorded by the side entitled to it::

    confirmed ─▶ in production ─▶ quality checked ─▶ shipped ─▶ delivered ─▶ closed
                 (supplier)        (supplier)         (supplier)  (buyer)     (either)
    disputed (either, with a reason) from production to delivery; delivered from a dispute (buyer)
    cancelled (either, with a reason) until quality checked, or from a dispute

The services enforce these rules (and raise the refusal); the pages read the same checks to
show only the buttons that will work.
"""

import datetime

from .models import MATCHABLE, Deal, ListingStatus, Match

# --- Listings -----------------------------------------------------------------------------------

#: status -> statuses it may move to by the owner's hand
LIFECYCLE = {
    ListingStatus.DRAFT: {ListingStatus.OPEN, ListingStatus.CANCELLED},
    ListingStatus.OPEN: {ListingStatus.CLOSED, ListingStatus.CANCELLED},
    ListingStatus.PARTIALLY_FILLED: {ListingStatus.CLOSED, ListingStatus.CANCELLED},
}
#: statuses in which the owner may still edit a listing
EDITABLE = (ListingStatus.DRAFT, *MATCHABLE)
#: statuses in which the cluster's administrators may take a listing off the market
REMOVABLE = (ListingStatus.DRAFT, *MATCHABLE)
#: statuses a listing has left the market in (an owner's list of "active" listings leaves them out)
ENDED = (ListingStatus.CLOSED, ListingStatus.CANCELLED, ListingStatus.EXPIRED)


def transitions_from(status: str) -> set[str]:
    """The statuses the owner may move a listing that is ``status`` to."""
    return LIFECYCLE.get(status, set())


def can_transition(status: str, to: str) -> bool:
    return to in transitions_from(status)


def can_edit(status: str) -> bool:
    return status in EDITABLE


# --- Matches ------------------------------------------------------------------------------------


def accepted_at(match: Match, side: str | None):
    """When ``side`` ("demand" / "supply") accepted the match (None: not yet, or no side)."""
    if side == "demand":
        return match.demand_accepted_at
    if side == "supply":
        return match.supply_accepted_at
    return None


def can_answer(match: Match, side: str | None) -> bool:
    """The caller's side may still accept or decline: the match is proposed and that side has not accepted."""
    return match.status == Match.Status.PROPOSED and side is not None and accepted_at(match, side) is None


# --- Deals --------------------------------------------------------------------------------------

S = Deal.Status

#: target status -> (allowed source statuses, side entitled: "buyer" / "supplier" / "either")
MILESTONES = {
    S.IN_PRODUCTION: ({S.CONFIRMED}, "supplier"),
    S.QUALITY_CHECKED: ({S.IN_PRODUCTION}, "supplier"),
    S.SHIPPED: ({S.QUALITY_CHECKED}, "supplier"),
    S.DELIVERED: ({S.SHIPPED, S.DISPUTED}, "buyer"),
    S.CLOSED: ({S.DELIVERED}, "either"),
    S.DISPUTED: ({S.IN_PRODUCTION, S.QUALITY_CHECKED, S.SHIPPED, S.DELIVERED}, "either"),
    S.CANCELLED: ({S.CONFIRMED, S.IN_PRODUCTION, S.QUALITY_CHECKED, S.DISPUTED}, "either"),
}
#: milestones that stop the happy path: the side gives a reason
REASON_REQUIRED = {S.DISPUTED, S.CANCELLED}
#: a deal is rated once delivered
RATABLE = (S.DELIVERED, S.CLOSED)
#: the deal's happy path, for the progress line on the deal page
DEAL_PATH = [S.CONFIRMED, S.IN_PRODUCTION, S.QUALITY_CHECKED, S.SHIPPED, S.DELIVERED, S.CLOSED]


def can_reach(status: str, to: str) -> bool:
    """A deal that is ``status`` may move to ``to`` (by whichever side is entitled)."""
    return to in MILESTONES and status in MILESTONES[to][0]


def entitled(to: str, side: str | None) -> bool:
    """``side`` ("buyer" / "supplier") is the one who records milestone ``to``."""
    return side is not None and MILESTONES[to][1] in (side, "either")


def milestones_for(status: str, side: str | None) -> list[str]:
    """The milestones ``side`` may record on a deal that is ``status`` now, in the order of MILESTONES."""
    return [to for to in MILESTONES if can_reach(status, to) and entitled(to, side)]


def awaited_from_other_side(status: str, side: str | None) -> tuple[str, str] | None:
    """(the other side, its next milestone) when a deal that is ``status`` waits for the other side
    to move it on its way (disputes and cancellations aside); None when nothing is awaited."""
    for to, (sources, by) in MILESTONES.items():
        if status in sources and to not in REASON_REQUIRED and by in ("buyer", "supplier") and by != side:
            return by, to
    return None


def can_rate(status: str, side: str | None, *, rated: bool) -> bool:
    """A side rates the other once, after delivery."""
    return side is not None and status in RATABLE and not rated


def plan_milestones(*, start, lead_time_days: int, due_date) -> dict[str, str]:
    """Planned dates: production starts within two days, is checked when the lead time is over,
    ships the day after, arrives by the due date (each clamped so none passes the next)."""
    delivered = due_date
    checked = min(start + datetime.timedelta(days=max(lead_time_days, 1)), delivered)
    shipped = min(checked + datetime.timedelta(days=1), delivered)
    producing = min(start + datetime.timedelta(days=2), checked)
    return {
        Deal.Status.IN_PRODUCTION.value: producing.isoformat(),
        Deal.Status.QUALITY_CHECKED.value: checked.isoformat(),
        Deal.Status.SHIPPED.value: shipped.isoformat(),
        Deal.Status.DELIVERED.value: delivered.isoformat(),
    }


def next_milestone_due(deal) -> datetime.date | None:
    milestone = deal.next_milestone()
    if milestone is None:
        return None
    planned = deal.planned.get(milestone)
    return datetime.date.fromisoformat(planned) if planned else deal.due_date


# --- Evidence for a milestone (the deal room provides the check: it keeps the documents) ----------

_evidence_check: list = []


def provide_evidence_check(check) -> None:
    """``check(deal=, to=, documents=, actor=, note=)`` raises a ``DomainError`` naming ``documents``
    when the rulebook asks for evidence ``to`` lacks, and records what the deal room keeps of the
    step (a dispute); called inside ``deal_advance``'s transaction, provided from ``DealroomConfig.ready()``."""
    _evidence_check[:] = [check]


def check_evidence(*, deal, to: str, documents=(), actor=None, note: str = "") -> None:
    """Refuses milestone ``to`` without the evidence the rulebook requires (nothing without a provider)."""
    if _evidence_check:
        _evidence_check[0](deal=deal, to=to, documents=list(documents or ()), actor=actor, note=note)
