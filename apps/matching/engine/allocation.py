"""The engine's entry points: candidates, scores and an optimal allocation, explained.

    plan(demands, supplies, rules) -> Plan(allocations, objective, bound, ...)
    propose(demands, supplies, rules) -> allocations        (the matching interface)

Every allocation is feasible, respects remaining quantities, minimum lots and minimum
order quantities, and an unsplittable demand goes whole to one supply or not at all.
"""

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from . import candidates as stage
from .feasibility import channel_feasible
from .scoring import channel_score, production_score
from .solver import MIP_SECONDS, solve
from .types import Allocation, ChannelOffer, ChannelRequest, Demand, Rules, Supply


@dataclass
class Plan:
    allocations: list[Allocation]
    objective: float  # sum of score x quantity
    bound: float  # proven upper bound on that sum (LP / flow relaxation or MIP dual bound)
    greedy_objective: float
    method: str
    candidate_pairs: int
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        return 0.0 if self.bound <= 0 else max(0.0, (self.bound - self.objective) / self.bound)


def plan(
    demands: Iterable[Demand],
    supplies: Iterable[Supply],
    rules: Rules,
    exclude=frozenset(),
    *,
    explain: bool = True,
    index: stage.SupplyIndex | None = None,
    mip_seconds: float = MIP_SECONDS,
) -> Plan:
    """``index`` (from ``build_index``) reuses a warm supply index; ``supplies`` is then its own.
    ``mip_seconds``: the exact programmes' time in all; past it, the best plan they found."""
    demands = list(demands)
    supplies = index.supplies if index is not None else list(supplies)
    t0 = time.perf_counter()
    c = stage.generate(demands, supplies, rules, exclude, index=index)
    t1 = time.perf_counter()
    solution = solve(c, time_limit=mip_seconds)
    t2 = time.perf_counter()
    allocations = []
    for p in np.flatnonzero(solution.quantity > 0).tolist():
        demand, supply = demands[c.demand[p]], supplies[c.supply[p]]
        quantity = int(solution.quantity[p])
        if explain:
            score, breakdown = production_score(demand, supply, rules, int(c.upper[p]))
        else:
            score, breakdown = float(c.score[p]), {}
        allocations.append(Allocation(demand.id, supply.id, quantity, score, breakdown))
    t3 = time.perf_counter()
    return Plan(
        allocations=allocations,
        objective=solution.objective,
        bound=solution.bound,
        greedy_objective=solution.seconds.get("greedy_objective", 0.0),
        method=solution.method,
        candidate_pairs=len(c),
        seconds={"candidates_and_scores": t1 - t0, "allocation": t2 - t1, "explanations": t3 - t2},
    )


def propose(
    demands: Iterable[Demand], supplies: Iterable[Supply], rules: Rules, exclude=frozenset()
) -> list[Allocation]:
    return plan(demands, supplies, rules, exclude).allocations


def plan_channels(
    requests: Iterable[ChannelRequest], offers: Iterable[ChannelOffer], rules: Rules, exclude=frozenset()
) -> Plan:
    """Channel requests to channel offers: feasibility by category index, then the same solver."""
    requests, offers = list(requests), list(offers)
    t0 = time.perf_counter()
    by_category: dict[str, list[int]] = defaultdict(list)
    for j, offer in enumerate(offers):
        if offer.quantity > 0:
            for category in offer.product_categories:
                by_category[category].append(j)
    rows: list[tuple[int, int, float, int]] = []
    for i, request in enumerate(requests):
        scored = []
        for j in by_category.get(request.product_category, ()):
            offer = offers[j]
            if (request.id, offer.id) in exclude or not channel_feasible(request, offer):
                continue
            upper = min(request.quantity, offer.quantity)
            scored.append((channel_score(request, offer, rules, upper)[0], offer.id, j, upper))
        scored.sort(key=lambda t: (-t[0], t[1]))
        rows.extend((i, j, score, upper) for score, _id, j, upper in scored[: rules.max_candidates_per_demand])
    c = stage.Candidates(
        demand=np.array([r[0] for r in rows], np.int64),
        supply=np.array([r[1] for r in rows], np.int64),
        score=np.array([r[2] for r in rows], np.float64),
        upper=np.array([r[3] for r in rows], np.int64),
        lower=np.ones(len(rows), np.int64),
        demand_quantity=np.array([r.quantity for r in requests], np.int64),
        demand_splittable=np.ones(len(requests), bool),
        supply_quantity=np.array([o.quantity for o in offers], np.int64),
    )
    t1 = time.perf_counter()
    solution = solve(c)
    allocations = []
    for p in np.flatnonzero(solution.quantity > 0).tolist():
        request, offer = requests[c.demand[p]], offers[c.supply[p]]
        score, breakdown = channel_score(request, offer, rules, int(c.upper[p]))
        allocations.append(Allocation(request.id, offer.id, int(solution.quantity[p]), score, breakdown))
    return Plan(
        allocations=allocations,
        objective=solution.objective,
        bound=solution.bound,
        greedy_objective=solution.seconds.get("greedy_objective", 0.0),
        method=solution.method,
        candidate_pairs=len(c),
        seconds={"candidates_and_scores": t1 - t0, "allocation": time.perf_counter() - t1},
    )


def propose_channels(
    requests: Iterable[ChannelRequest], offers: Iterable[ChannelOffer], rules: Rules, exclude=frozenset()
) -> list[Allocation]:
    return plan_channels(requests, offers, rules, exclude).allocations
