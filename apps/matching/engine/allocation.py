"""Candidates by index, then a greedy allocation over pairs in descending score.

Simple and correct: every allocation is feasible, respects remaining quantities,
minimum lots and minimum order quantities, and an unsplittable demand goes whole to
one supply or not at all. The optimising engine replaces this stage.
"""

from collections import defaultdict
from collections.abc import Iterable

from .feasibility import channel_feasible, feasible, quantity_bounds
from .scoring import channel_score, production_score
from .types import Allocation, ChannelOffer, ChannelRequest, Demand, Rules, Supply


def candidates(demands: Iterable[Demand], supplies: Iterable[Supply], rules: Rules, exclude=frozenset()):
    """(score, demand, supply) for the best K feasible supplies of each demand.

    ``exclude`` holds (demand id, supply id) pairs never to propose (declined, or already
    answered by one side).
    """
    by_capability: dict[str, list[Supply]] = defaultdict(list)
    for supply in supplies:
        if supply.quantity > 0:
            by_capability[supply.capability].append(supply)
    for demand in demands:
        if demand.quantity <= 0:
            continue
        scored = []
        for supply in by_capability.get(demand.capability, ()):
            if (demand.id, supply.id) not in exclude and feasible(demand, supply, rules):
                _low, high = quantity_bounds(demand, supply)
                score, _ = production_score(demand, supply, rules, high)
                scored.append((score, supply))
        scored.sort(key=lambda item: (-item[0], item[1].id))
        for score, supply in scored[: rules.max_candidates_per_demand]:
            yield score, demand, supply


def propose(
    demands: Iterable[Demand], supplies: Iterable[Supply], rules: Rules, exclude=frozenset()
) -> list[Allocation]:
    demands, supplies = list(demands), list(supplies)
    pairs = sorted(candidates(demands, supplies, rules, exclude), key=lambda t: (-t[0], t[1].id, t[2].id))
    demand_left = {d.id: d.quantity for d in demands}
    supply_left = {s.id: s.quantity for s in supplies}
    allocations = []
    for _score, demand, supply in pairs:
        need, free = demand_left[demand.id], supply_left[supply.id]
        if need <= 0 or free <= 0:
            continue
        if not demand.splittable:
            if need != demand.quantity or free < need or need < supply.min_order_quantity:
                continue
            quantity = need
        else:
            quantity = min(need, free)
            if quantity < max(demand.min_lot, supply.min_order_quantity):
                continue
        score, breakdown = production_score(demand, supply, rules, quantity)
        allocations.append(Allocation(demand.id, supply.id, quantity, score, breakdown))
        demand_left[demand.id] -= quantity
        supply_left[supply.id] -= quantity
    return allocations


def propose_channels(
    requests: Iterable[ChannelRequest], offers: Iterable[ChannelOffer], rules: Rules, exclude=frozenset()
) -> list[Allocation]:
    requests, offers = list(requests), list(offers)
    pairs = []
    for request in requests:
        scored = [
            (channel_score(request, offer, rules, min(request.quantity, offer.quantity))[0], request, offer)
            for offer in offers
            if (request.id, offer.id) not in exclude and channel_feasible(request, offer)
        ]
        scored.sort(key=lambda t: (-t[0], t[2].id))
        pairs.extend(scored[: rules.max_candidates_per_demand])
    pairs.sort(key=lambda t: (-t[0], t[1].id, t[2].id))
    request_left = {r.id: r.quantity for r in requests}
    offer_left = {o.id: o.quantity for o in offers}
    allocations = []
    for _score, request, offer in pairs:
        quantity = min(request_left[request.id], offer_left[offer.id])
        if quantity <= 0:
            continue
        score, breakdown = channel_score(request, offer, rules, quantity)
        allocations.append(Allocation(request.id, offer.id, quantity, score, breakdown))
        request_left[request.id] -= quantity
        offer_left[offer.id] -= quantity
    return allocations
