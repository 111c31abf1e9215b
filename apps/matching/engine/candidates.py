"""Stage 1 and 2, vectorised: feasible pairs by capability block, their scores, best K per demand.

Supplies are indexed by capability (``pairs.SupplyIndex``). Two generators give the same
answer (a property test keeps them equal): the exhaustive one tests a block of demands
against every supply of its capability at once with numpy; the pruned one (the default,
``pruning.py``) cuts a capability's supplies into chunks by currency, region and price and
scores a demand only against the chunks whose score bound can still reach its K-th best.
"""

from .pairs import (
    BLOCK,
    KEY_BASE,
    Candidates,
    Context,
    SupplyIndex,
    TopK,
    build_index,
    demands_by_capability,
    factor_columns,
    normalised_weights,
    scores,
)
from .pruning import best_pruned
from .types import Demand, Rules, Supply

__all__ = [
    "BLOCK",
    "KEY_BASE",
    "Candidates",
    "Context",
    "SupplyIndex",
    "TopK",
    "build_index",
    "factor_columns",
    "generate",
    "normalised_weights",
    "scores",
]


def generate(
    demands: list[Demand],
    supplies: list[Supply],
    rules: Rules,
    exclude=frozenset(),
    *,
    index: SupplyIndex | None = None,
    exhaustive: bool = False,
) -> Candidates:
    """Each demand's best ``rules.max_candidates_per_demand`` feasible pairs.

    ``exhaustive`` scores every feasible pair instead of pruning (the reference the pruned
    generator is tested against; with a large K it yields every feasible pair).
    """
    if index is not None and index.today != rules.today:
        raise ValueError("the supply index was built for another day")
    s = index if index is not None else build_index(supplies, rules)
    context = Context(demands, s, rules, exclude)
    parts = []
    if context.k > 0:
        for capability, rows in demands_by_capability(demands, s).items():
            cols = s.by_capability[capability]
            if exhaustive:
                parts.extend(context.best_of(rows[a : a + BLOCK], cols) for a in range(0, len(rows), BLOCK))
            else:
                parts.extend(best_pruned(context, capability, rows))
    return context.candidates(parts)
