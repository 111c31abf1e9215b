"""The matching engine: pure Python, no Django (a test enforces it).

    propose(demands, supplies, rules) -> list[Allocation]
    propose_channels(requests, offers, rules) -> list[Allocation]

Stages: candidates (feasible pairs), scores (named, weighted factors in [0, 1] with a
breakdown), allocation (exact mixed-integer programming for small problems, min-cost
flow relaxation plus repair for large ones, never below the greedy baseline).
"""

from .allocation import Plan, plan, plan_channels, propose, propose_channels
from .candidates import SupplyIndex, build_index
from .scoring import reweigh
from .types import Allocation, ChannelOffer, ChannelRequest, Demand, Rules, Supply

__all__ = [
    "Allocation",
    "ChannelOffer",
    "ChannelRequest",
    "Demand",
    "Plan",
    "Rules",
    "Supply",
    "SupplyIndex",
    "build_index",
    "plan",
    "plan_channels",
    "propose",
    "propose_channels",
    "reweigh",
]
