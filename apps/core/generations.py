"""Generation counters: a cheap "has anything here changed?" for cached reads.

A cached read is stored under the current generation of its scope; a write bumps the
generation when its transaction commits, so later reads miss and recompute. Readers take
the generation *before* they read the database, so a result computed from a snapshot that
misses a write is always stored under an older generation than the one that write makes
current: a stale entry can be written but is never read again.

A generation that is missing from the cache (never set, or evicted) starts at a fresh
timestamp rather than 0, so it can never meet an entry stored under an earlier life of the
counter. Entries also expire after their TTL, which bounds how long a change made outside
the bumping services (an enterprise renamed, say) can stay hidden.
"""

import hashlib
import time

from django.core.cache import cache
from django.db import transaction


def _key(scope: str) -> str:
    return f"gen:{scope}"


def current(scope: str) -> int:
    key = _key(scope)
    value = cache.get(key)
    if value is None:
        cache.add(key, time.time_ns(), timeout=None)
        value = cache.get(key)
    return value


def bump(scope: str) -> None:
    try:
        cache.incr(_key(scope))
    except ValueError:  # missing: any fresh value differs from every earlier one
        cache.set(_key(scope), time.time_ns(), timeout=None)


def changed(*scopes: str) -> None:
    """Mark ``scopes`` changed by the current transaction: bump now, and again once it commits.

    The bump at commit is the one that matters to other readers (a reader between the two
    may cache the old rows under the new generation); the bump now keeps later reads in the
    same transaction, and in tests that never commit, from seeing an older result.
    """
    for scope in scopes:
        bump(scope)
        transaction.on_commit(lambda scope=scope: bump(scope))


def cached(scopes: tuple[str, ...], variant: str, compute, *, ttl: int):
    """``compute()``'s result for ``variant``, reused until one of ``scopes`` changes (or ``ttl`` s)."""
    known = cache.get_many([_key(scope) for scope in scopes])  # one round trip in the usual case
    generations = ":".join(f"{scope}={known.get(_key(scope)) or current(scope)}" for scope in scopes)
    key = "cached:" + hashlib.sha256(f"{generations}|{variant}".encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=ttl)
    return value
