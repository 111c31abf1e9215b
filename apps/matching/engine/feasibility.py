"""Which demand–supply pairs may be matched at all (the same rules everywhere)."""

import datetime

from .types import ChannelOffer, ChannelRequest, Demand, Rules, Supply


def production_start(supply: Supply, rules: Rules) -> datetime.date:
    return max(rules.today, supply.available_from)


def delivery_slack_days(demand: Demand, supply: Supply, rules: Rules) -> int:
    """Days between the earliest possible delivery and the need-by date (negative: too late)."""
    ready = production_start(supply, rules) + datetime.timedelta(days=supply.lead_time_days)
    return (demand.need_by - ready).days


def quantity_bounds(demand: Demand, supply: Supply) -> tuple[int, int] | None:
    """The smallest and largest quantity one allocation of this pair may carry, or None."""
    if demand.splittable:
        high = min(demand.quantity, supply.quantity)
        low = max(demand.min_lot, supply.min_order_quantity, 1)
    else:
        high = low = demand.quantity
        if supply.quantity < demand.quantity or demand.quantity < supply.min_order_quantity:
            return None
    if high < low:
        return None
    return low, high


def feasible(demand: Demand, supply: Supply, rules: Rules) -> bool:
    return (
        demand.owner != supply.owner
        and demand.capability == supply.capability
        and demand.currency == supply.currency
        and demand.required_certifications <= supply.certifications
        and production_start(supply, rules) <= supply.available_until
        and delivery_slack_days(demand, supply, rules) >= 0
        and supply.unit_price <= demand.unit_price * (1 + rules.price_tolerance) + 1e-9
        and quantity_bounds(demand, supply) is not None
    )


def channel_feasible(request: ChannelRequest, offer: ChannelOffer) -> bool:
    return (
        request.owner != offer.owner
        and request.product_category in offer.product_categories
        and bool(request.markets & offer.markets)
        and offer.available_from <= request.start_by
        and offer.commission_percent <= request.max_commission_percent
        and offer.quantity > 0
        and request.quantity > 0
    )
