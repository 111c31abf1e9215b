"""The engine scores the factors the marketplace stores and explains, in the marketplace's order.

The names belong to the marketplace (``apps/marketplace/factors.py``: a match's breakdown and
its explanation); the engine, which imports nothing from the apps, keeps its own copy.
"""

from apps.marketplace import factors
from apps.matching.engine import types


def test_the_engine_scores_the_factors_the_marketplace_explains():
    assert types.FACTORS == factors.FACTORS
    assert types.CHANNEL_FACTORS == factors.CHANNEL_FACTORS
    assert set(types.DEFAULT_WEIGHTS) == set(factors.FACTORS)
    assert set(types.DEFAULT_CHANNEL_WEIGHTS) == set(factors.CHANNEL_FACTORS)
    assert (
        set(factors.FACTOR_LABELS) == set(factors.FACTORS) | set(factors.CHANNEL_FACTORS) == set(factors.FACTOR_HINTS)
    )
