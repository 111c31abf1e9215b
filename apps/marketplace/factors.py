"""The factors of a match's score, as the marketplace stores and explains them.

A match carries its score's ``breakdown``: ``{factor: {"value", "weight"}}``, one entry per
factor named here. The names and their order are the marketplace's vocabulary; the matching
engine scores exactly these factors in this order (it keeps its own copy, since the engine
imports nothing from Django or the apps; ``tests/matching/test_factors.py`` holds the two equal).
"""

from django.utils.translation import gettext_lazy

from .models import Match, MatchKind

#: a production match's factors, in the order its explanation lists them
FACTORS = ("price", "distance", "lead_time", "reputation", "coverage", "certifications", "region", "verification")
#: a channel match's factors
CHANNEL_FACTORS = ("markets", "fees", "coverage", "reputation")

FACTOR_LABELS = {
    "price": gettext_lazy("Price"),
    "distance": gettext_lazy("Distance"),
    "lead_time": gettext_lazy("Lead time"),
    "reputation": gettext_lazy("Reputation"),
    "coverage": gettext_lazy("Coverage"),
    "certifications": gettext_lazy("Certifications"),
    "region": gettext_lazy("Region"),
    "verification": gettext_lazy("On-site verification"),
    "markets": gettext_lazy("Markets"),
    "fees": gettext_lazy("Fees"),
}
FACTOR_HINTS = {
    "price": gettext_lazy("the asked price against the target price (50 % means exactly the target)"),
    "distance": gettext_lazy("how close the supplier is to the delivery place"),
    "lead_time": gettext_lazy("days to spare between the lead time and the need-by date"),
    "reputation": gettext_lazy("on-time delivery and ratings in this cluster (a newcomer gets 50 %)"),
    "coverage": gettext_lazy("the share of the quantity sought that this match covers"),
    "certifications": gettext_lazy("certifications held beyond those required"),
    "region": gettext_lazy("same city (100 %) or same province (60 %) as the delivery"),
    "verification": gettext_lazy("the supplier's on-site verification level in this cluster (gold 100 %)"),
    "markets": gettext_lazy("the share of the markets sought that the channel reaches"),
    "fees": gettext_lazy("how far the commission stays below the highest acceptable"),
}


def glossary() -> list[tuple]:
    """(label, hint) of every factor, for the page that explains scores."""
    return [(FACTOR_LABELS[name], hint) for name, hint in FACTOR_HINTS.items()]


def explain(match: Match) -> list[dict]:
    """The score's factors in plain language: value and weight as percentages, in the engine's order.

    A factor the rulebook weighs at 0 counts for nothing in this score and is left out (the
    on-site verification factor until a council gives it a weight)."""
    canonical = FACTORS if match.kind == MatchKind.PRODUCTION else CHANNEL_FACTORS
    breakdown = match.breakdown or {}
    names = [name for name in canonical if name in breakdown] + [n for n in breakdown if n not in canonical]
    factors = []
    for name in names:
        item = breakdown[name] or {}
        value, weight = float(item.get("value", 0)), float(item.get("weight", 0))
        if not weight:
            continue
        factors.append(
            {
                "name": name,
                "label": FACTOR_LABELS.get(name, name.replace("_", " ").capitalize()),
                "hint": FACTOR_HINTS.get(name, ""),
                "value": round(value * 100),
                "weight": round(weight * 100),
                "points": round(value * weight * 100, 1),
            }
        )
    return factors
