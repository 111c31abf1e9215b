"""Plain data the engine works on (built by the Django side from listings)."""

import datetime
from dataclasses import dataclass, field

#: the factors the engine scores, in this order: the marketplace's names (apps/marketplace/factors.py),
#: copied because the engine imports nothing from the apps (tests/matching/test_factors.py keeps them equal)
FACTORS = ("price", "distance", "lead_time", "reputation", "coverage", "certifications", "region", "verification")
CHANNEL_FACTORS = ("markets", "fees", "coverage", "reputation")

DEFAULT_WEIGHTS = {
    "price": 0.25,
    "distance": 0.15,
    "lead_time": 0.15,
    "reputation": 0.15,
    "coverage": 0.15,
    "certifications": 0.05,
    "region": 0.10,
    "verification": 0.0,  # on-site verification level; 0 by default, so scores are as before
}
DEFAULT_CHANNEL_WEIGHTS = {"markets": 0.35, "fees": 0.25, "coverage": 0.25, "reputation": 0.15}


@dataclass(frozen=True)
class Demand:
    id: int
    owner: int
    capability: str
    quantity: int  # still open
    unit_price: float  # target
    currency: str
    need_by: datetime.date
    latitude: float
    longitude: float
    region: str
    required_certifications: frozenset[str] = frozenset()
    splittable: bool = True
    min_lot: int = 1


@dataclass(frozen=True)
class Supply:
    id: int
    owner: int
    capability: str
    quantity: int  # still available
    unit_price: float
    currency: str
    available_from: datetime.date
    available_until: datetime.date
    lead_time_days: int
    min_order_quantity: int
    latitude: float
    longitude: float
    region: str
    certifications: frozenset[str] = frozenset()
    on_time_rate: float | None = None
    average_rating: float | None = None  # 1..5
    deals_completed: int = 0
    verification: float = 0.0  # the owner's on-site verification level: none 0, basic 1/3, verified 2/3, gold 1


@dataclass(frozen=True)
class ChannelRequest:
    id: int
    owner: int
    product_category: str
    markets: frozenset[str]
    quantity: int  # monthly volume still to place
    max_commission_percent: float
    start_by: datetime.date


@dataclass(frozen=True)
class ChannelOffer:
    id: int
    owner: int
    product_categories: frozenset[str]
    markets: frozenset[str]
    quantity: int  # monthly volume still free
    commission_percent: float
    available_from: datetime.date
    on_time_rate: float | None = None
    average_rating: float | None = None
    deals_completed: int = 0


@dataclass(frozen=True)
class Rules:
    today: datetime.date
    price_tolerance: float = 0.10  # a supply may ask up to target × (1 + tolerance)
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    channel_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_CHANNEL_WEIGHTS))
    max_candidates_per_demand: int = 20


@dataclass(frozen=True)
class Allocation:
    demand_id: int
    supply_id: int
    quantity: int
    score: float
    breakdown: dict[str, dict[str, float]]
