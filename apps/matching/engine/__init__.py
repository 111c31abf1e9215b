"""The matching engine: pure Python, no Django (a test enforces it).

    propose(demands, supplies, rules) -> list[Allocation]
    propose_channels(requests, offers, rules) -> list[Allocation]

Stages: candidates (feasible pairs), scores (named, weighted factors in [0, 1] with a
breakdown), allocation (today a greedy over pairs by score; the optimising engine
replaces only that stage behind the same interface).
"""

from .allocation import propose, propose_channels
from .types import Allocation, ChannelOffer, ChannelRequest, Demand, Rules, Supply

__all__ = ["Allocation", "ChannelOffer", "ChannelRequest", "Demand", "Rules", "Supply", "propose", "propose_channels"]
