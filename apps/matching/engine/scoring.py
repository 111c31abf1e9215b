"""Named factors in [0, 1], weighted by the cluster's rules, with an explainable breakdown."""

import math

from .feasibility import delivery_slack_days
from .types import CHANNEL_FACTORS, FACTORS, ChannelOffer, ChannelRequest, Demand, Rules, Supply

EARTH_RADIUS_KM = 6371.0


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _clip(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else value


def price_fit(asked: float, target: float, tolerance: float) -> float:
    """1 for free, 0.5 at the target price, 0 at the tolerance ceiling."""
    if target <= 0:
        return 1.0 if asked <= 0 else 0.0
    ratio = asked / target
    if ratio <= 1:
        return _clip(0.5 + 0.5 * (1 - ratio))
    return _clip(0.5 * (1 - (ratio - 1) / tolerance)) if tolerance > 0 else 0.0


def reputation_fit(on_time_rate, average_rating, deals_completed) -> float:
    """Neutral 0.5 for a newcomer; otherwise half on-time rate, half rating."""
    if not deals_completed or on_time_rate is None:
        return 0.5
    rating = 0.5 if average_rating is None else (average_rating - 1) / 4
    return _clip(0.5 * on_time_rate + 0.5 * rating)


def region_fit(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if a[:2] == b[:2]:
        return 0.6
    return 0.0


def _combine(values: dict[str, float], weights: dict[str, float]) -> tuple[float, dict[str, dict[str, float]]]:
    total_weight = sum(max(0.0, weights.get(name, 0.0)) for name in values) or 1.0
    breakdown = {
        name: {"value": round(value, 4), "weight": round(max(0.0, weights.get(name, 0.0)) / total_weight, 4)}
        for name, value in values.items()
    }
    score = sum(value * max(0.0, weights.get(name, 0.0)) / total_weight for name, value in values.items())
    return _clip(round(score, 6)), breakdown


def production_factors(demand: Demand, supply: Supply, rules: Rules, quantity: int) -> dict[str, float]:
    distance = great_circle_km(demand.latitude, demand.longitude, supply.latitude, supply.longitude)
    slack = delivery_slack_days(demand, supply, rules)
    extra = len(supply.certifications - demand.required_certifications)
    values = {
        "price": price_fit(supply.unit_price, demand.unit_price, rules.price_tolerance),
        "distance": math.exp(-distance / 800.0),
        "lead_time": 1 - math.exp(-max(0, slack) / 14.0),
        "reputation": reputation_fit(supply.on_time_rate, supply.average_rating, supply.deals_completed),
        "coverage": _clip(quantity / demand.quantity) if demand.quantity else 0.0,
        "certifications": _clip(extra / 3),
        "region": region_fit(demand.region, supply.region),
        "verification": _clip(supply.verification),
    }
    assert tuple(values) == FACTORS
    return values


def production_score(demand: Demand, supply: Supply, rules: Rules, quantity: int):
    return _combine(production_factors(demand, supply, rules, quantity), rules.weights)


def channel_score(request: ChannelRequest, offer: ChannelOffer, rules: Rules, quantity: int):
    values = {
        "markets": _clip(len(request.markets & offer.markets) / len(request.markets)) if request.markets else 0.0,
        "fees": _clip(1 - offer.commission_percent / request.max_commission_percent)
        if request.max_commission_percent
        else 1.0,
        "coverage": _clip(quantity / request.quantity) if request.quantity else 0.0,
        "reputation": reputation_fit(offer.on_time_rate, offer.average_rating, offer.deals_completed),
    }
    assert tuple(values) == CHANNEL_FACTORS
    return _combine(values, rules.channel_weights)


def reweigh(breakdown: dict[str, dict[str, float]], weights: dict[str, float]):
    """A score's factor values (as a breakdown recorded them) combined under other ``weights``:
    the score the same pair earns under a changed rulebook, and its new breakdown."""
    values = {name: float((item or {}).get("value", 0.0)) for name, item in breakdown.items()}
    return _combine(values, weights)
