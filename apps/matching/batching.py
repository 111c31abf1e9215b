"""A burst of new listings is matched in one pass, not one pass per listing.

Posting a listing enqueues ``matching.match_listing`` on commit; that task no longer plans: it
adds the listing to its cluster's *pending* set in Redis (one set per cluster and kind) and,
if no pass is armed yet, arms one: ``matching.match_pending`` a short ``WINDOW`` later. That
pass takes the cluster's lock, moves the pending ids into a *taken* set, plans them all in
one incremental run, and only then removes them from the taken set. So:

* a burst of N orders costs one pass per window (plus one per pass still running), not N;
* a worker that dies in a pass leaves its ids in the taken set and its lock to lapse (after
  the run lease): the next pass of the cluster takes them again, and beat's reaper
  (``sweep``) arms a pass for every cluster with ids waiting and no live lock; nothing is lost;
* a pass that finds the lock held leaves the ids for its holder, which looks for pending ids
  after releasing the lock and arms a pass at once if there are any (no lost wake-up);
* reruns are harmless: an incremental run proposes only quantity no open proposal covers.

Without Redis (the file cache of a single machine) or while it is away, ``add`` says so and the
caller matches the listing at once, as before.
"""

import time
import uuid

from django.conf import settings
from django.core.cache import cache, caches

#: seconds a burst gathers before its pass
WINDOW = 0.25
#: listings one pass plans at most (the rest go to the next pass, armed at once)
LIMIT = 2000

_TAKE = """
redis.call('DEL', KEYS[3])
local moved = redis.call('SPOP', KEYS[1], ARGV[1])
for i = 1, #moved, 500 do
  redis.call('SADD', KEYS[2], unpack(moved, i, math.min(i + 499, #moved)))
end
return redis.call('SMEMBERS', KEYS[2])
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return redis.call('SCARD', KEYS[2])
"""


def _client():
    """The Redis client behind the cache, or None (another cache backend, or Redis away)."""
    from apps.core.cache import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache) or not backend.breaker.allow():
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _keys(cluster_id: int, kind: str) -> dict[str, str]:
    return {
        name: cache.make_key(f"matching:{name}:{cluster_id}:{kind}") for name in ("pending", "taken", "armed", "lock")
    }


def add(cluster_id: int, kind: str, listing_id: int, event: str) -> bool | None:
    """Put the listing in its cluster's pending set. True: a pass must be armed (none is);
    False: one is armed already; None: no Redis, match it at once."""
    client = _client()
    if client is None:
        return None
    keys = _keys(cluster_id, kind)
    try:
        pipe = client.pipeline()
        pipe.sadd(keys["pending"], f"{listing_id}:{event}")
        pipe.set(keys["armed"], 1, nx=True, px=int(max(WINDOW * 20, 5) * 1000))
        _added, armed = pipe.execute()
    except Exception:  # Redis away: the caller matches the listing itself
        return None
    return bool(armed)


def take(cluster_id: int, kind: str) -> tuple[str, list[tuple[int, str]]] | None:
    """Lock the cluster's pass and take what waits (with what a dead pass left taken); None
    while another pass holds the lock. Returns the lock's token and ``(listing id, event)``s."""
    client = _client()
    if client is None:
        return None
    keys, token = _keys(cluster_id, kind), uuid.uuid4().hex
    if not client.set(keys["lock"], token, nx=True, px=max(1, settings.MATCHING_RUN_LEASE_SECONDS) * 1000):
        return None
    members = client.eval(_TAKE, 3, keys["pending"], keys["taken"], keys["armed"], LIMIT)
    taken = []
    for member in members:
        listing_id, _sep, event = (member.decode() if isinstance(member, bytes) else member).partition(":")
        taken.append((int(listing_id), event or "new"))
    return token, sorted(taken)


def done(cluster_id: int, kind: str, token: str, taken: list[tuple[int, str]], *, planned: bool) -> int:
    """End a pass: its ids leave the taken set if they were ``planned``; the lock is released.
    Returns how many ids are pending now (the caller arms a pass for them)."""
    client = _client()
    if client is None:
        return 0
    keys = _keys(cluster_id, kind)
    if planned and taken:
        client.srem(keys["taken"], *(f"{listing_id}:{event}" for listing_id, event in taken))
    return int(client.eval(_RELEASE, 2, keys["lock"], keys["pending"], token))


def waiting() -> list[tuple[int, str]]:
    """Clusters and kinds with ids pending or taken and no live lock (beat re-arms them)."""
    client = _client()
    if client is None:
        return []
    found = set()
    for name in ("pending", "taken"):
        for key in client.scan_iter(match=cache.make_key(f"matching:{name}:*"), count=500):
            key = key.decode() if isinstance(key, bytes) else key
            cluster_id, kind = key.rsplit(":", 2)[-2:]
            if not client.exists(_keys(int(cluster_id), kind)["lock"]) and client.scard(key):
                found.add((int(cluster_id), kind))
    return sorted(found)


#: the clock a pass is timed by
clock = time.monotonic


def next_pass_in(started: float, taken: int) -> float:
    """When the next pass of listings that arrived during this one starts: a window after this
    one started (at once if this one took more time, or as many as it may take), so that
    passes under a steady flow gather a window's listings each. Back to back, a pass of 90 ms
    took 14 orders of a burst of 125 a second, and its fixed cost (the run, its lease, 28
    queries) was most of the worker's CPU per order."""
    if taken >= LIMIT:
        return 0.0
    return max(0.0, WINDOW - (clock() - started))
