"""A cluster's capacity index kept warm in the worker process between incremental runs.

Matching one new order against a cluster's capacity needs the engine's ``SupplyIndex`` of
every open capacity offer; building it from the database costs far more than planning the
order against it. So a worker keeps the last index of each of its ``MAX_CLUSTERS`` most recent
clusters (LRU) and reuses it while nothing it was built from changed:

* the capacity offers themselves (posted, edited, closed, expired, reserved by a deal): the
  market generations the marketplace already bumps on every such write
  (``market:<cluster>:capacity``, ``market:*``) and the cache's epoch;
* the day (the index is built for one day) and the rulebook version in force;
* the owners' certifications, reputations and on-site verification levels, which change
  without a market write: a cheap fingerprint of each (count and newest change);
* at most ``MAX_AGE`` seconds, which bounds what no key above sees.

The quantities an index holds are net of every open proposal, and those change with every
run without any generation bump. They are kept exact by a delta instead: each run reads the
quantity held per offer of the capabilities its demands need (``held_by_capability``: one grouped join) and the
offers whose holding changed since the index was built get their new free quantity
(``SupplyIndex.with_quantities``); offers of other capabilities cannot meet these demands, so they wait
for the run that needs them. A warm plan therefore proposes exactly what a cold one would
(tests/matching/test_warm.py).

A generation that cannot be read (the cache is away) disables the warm path: the run builds
its index cold and keeps nothing.
"""

import dataclasses
import threading
import time
from collections import OrderedDict

from django.db.models import Count, Max, Min
from django.utils import timezone

from apps.core import generations
from apps.marketplace.models import Reputation
from apps.marketplace.services.listings import ALL_MARKETS, market_scope
from apps.membership.models import EnterpriseCertification
from apps.parks.lifecycle import VisitStatus
from apps.parks.models import Level, Visit

from . import engine
from .inputs import PRODUCTION, held, held_by_capability, load_supplies

#: clusters whose index one worker process keeps (each ~100 bytes per capacity offer)
MAX_CLUSTERS = 8
#: seconds an index is trusted at most, whatever the keys say
MAX_AGE = 600.0


@dataclasses.dataclass
class Entry:
    key: tuple
    index: engine.SupplyIndex
    held: dict[str, dict[int, int]]  # capability -> {supply id: quantity held by open proposals} (held ones only)
    position: dict[int, int]  # supply id -> its position in the index
    by_capability: dict[str, list[int]]  # every offer's position per capability (usable or not)
    built_at: float


_entries: OrderedDict[tuple[int, str], Entry] = OrderedDict()
_lock = threading.Lock()
#: what the warm path did, for benchmarks and tests: hits, builds, offers requantified
stats = {"hits": 0, "builds": 0, "requantified": 0}


def clear() -> None:
    with _lock:
        _entries.clear()


def _fingerprint(cluster) -> tuple:
    """What the index depends on beside the market: one aggregate per source."""
    # certificates are added and deleted, never edited: their count and newest id tell
    certs = EnterpriseCertification.objects.aggregate(n=Count("pk"), last=Max("pk"))
    reps = Reputation.objects.filter(cluster=cluster).aggregate(n=Count("pk"), last=Max("updated_at"))
    in_force = Visit.objects.filter(
        cluster=cluster, status=VisitStatus.COMPLETED, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
    ).exclude(level=Level.NONE)  # the next expiry changes the key once it passes
    visits = in_force.aggregate(n=Count("pk"), last=Max("pk"), next_expiry=Min("expires_at"))
    return tuple(certs.values()), tuple(reps.values()), tuple(visits.values())


def key_of(cluster, today, version: int) -> tuple | None:
    """The key an index of ``cluster``'s capacity is valid under, or None (the cache is away).

    The generations are read before anything else, so an index built from rows a concurrent
    write changed is stored under an older key than that write makes current."""
    gens = tuple(
        generations.current(scope)
        for scope in (generations.EPOCH, ALL_MARKETS, market_scope(cluster.pk, PRODUCTION.supply_field))
    )
    if None in gens:
        return None
    return (*gens, today, version, _fingerprint(cluster))


def _positions(supplies) -> tuple[dict[int, int], dict[str, list[int]]]:
    position, by_capability = {}, {}
    for i, s in enumerate(supplies):
        position[s.id] = i
        by_capability.setdefault(s.capability, []).append(i)
    return position, by_capability


def _build(cluster, today, rules, key) -> Entry:
    supply_held = held(PRODUCTION, cluster, PRODUCTION.supply_field, proposed_only_answered=False)
    supplies = load_supplies(PRODUCTION, cluster, today, supply_held)
    position, by_capability = _positions(supplies)
    stats["builds"] += 1
    holding: dict[str, dict[int, int]] = {}
    for s in supplies:
        if supply_held.get(s.id):
            holding.setdefault(s.capability, {})[s.id] = supply_held[s.id]
    return Entry(
        key=key,
        index=engine.build_index(supplies, rules),
        held=holding,
        position=position,
        by_capability=by_capability,
        built_at=time.monotonic(),
    )


def _refresh(entry: Entry, cluster, capabilities) -> None:
    """Bring the free quantities of ``capabilities``' offers up to date with the open proposals."""
    capabilities = [c for c in capabilities if c in entry.by_capability]
    if not capabilities:
        return
    supplies, changes = entry.index.supplies, {}
    now_held = held_by_capability(cluster, capabilities)
    for capability in capabilities:
        was = entry.held.setdefault(capability, {})
        # an offer's holding changed only if it is held now or was held before
        for sid in [*was, *(sid for sid in now_held if sid not in was)]:
            i = entry.position.get(sid)
            if i is None or supplies[i].capability != capability:
                continue  # an offer the index does not hold (closed, expired), or of another capability
            before, after = was.get(sid, 0), now_held.get(sid, 0)
            if before != after:
                changes[i] = supplies[i].quantity + before - after
                if after:
                    was[sid] = after
                else:
                    del was[sid]
    if changes:
        entry.index = entry.index.with_quantities(changes)
        stats["requantified"] += len(changes)


def supply_index(cluster, today, rules, version: int, capabilities) -> engine.SupplyIndex:
    """The engine's index of ``cluster``'s open capacity, exact for demands of ``capabilities``."""
    key = key_of(cluster, today, version)
    if key is None:
        return _build(cluster, today, rules, key).index
    slot = (cluster.pk, PRODUCTION.kind)
    with _lock:
        entry = _entries.get(slot)
        if entry is not None and (entry.key != key or time.monotonic() - entry.built_at > MAX_AGE):
            entry = None
        if entry is None:
            entry = _build(cluster, today, rules, key)
        else:
            stats["hits"] += 1
            _refresh(entry, cluster, capabilities)
        _entries[slot] = entry
        _entries.move_to_end(slot)
        while len(_entries) > MAX_CLUSTERS:
            _entries.popitem(last=False)
        return entry.index
