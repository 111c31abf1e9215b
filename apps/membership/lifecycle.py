"""The membership lifecycle as data: which action moves which states where (pure, no Django).

pending ──approve──▶ active ──suspend──▶ suspended ──reinstate──▶ active
   │                   │                     │
   └─reject─▶ rejected └──────expel──────────┴──▶ expelled
pending / active / suspended ──leave (by the enterprise)──▶ left
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    by: str  # "administrator" or "enterprise"
    reason_required: bool


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("approve", frozenset({"pending"}), "active", "administrator", False),
        Transition("reject", frozenset({"pending"}), "rejected", "administrator", True),
        Transition("suspend", frozenset({"active"}), "suspended", "administrator", True),
        Transition("reinstate", frozenset({"suspended"}), "active", "administrator", False),
        Transition("expel", frozenset({"active", "suspended"}), "expelled", "administrator", True),
        Transition("leave", frozenset({"pending", "active", "suspended"}), "left", "enterprise", False),
    )
}

ADMINISTRATOR_ACTIONS = tuple(a for a, t in TRANSITIONS.items() if t.by == "administrator")


def allowed(action: str, status: str) -> bool:
    return status in TRANSITIONS[action].sources
