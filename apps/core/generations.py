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

A cache that is away answers as a miss (``apps.core.cache``). A generation that cannot be
read is never trusted: the value is computed and not stored. Every entry also carries the
cache's epoch (``EPOCH_KEY``), which a process that had to drop a bump while the cache was
away renews once the cache answers again; so an entry stored before the outage, which a
lost bump should have retired, is never served after it.
"""

import functools
import hashlib
import time

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

from . import readahead
from .cache import EPOCH_KEY


def _key(scope: str) -> str:
    return f"gen:{scope}"


#: the scope every cached entry is also stored under: the cache's epoch (``_key(EPOCH) == EPOCH_KEY``)
EPOCH = EPOCH_KEY.removeprefix("gen:")


def current(scope: str) -> int | None:
    """The scope's generation, or None when the cache cannot say (it is away)."""
    key = _key(scope)
    value = cache.get(key)
    if value is None:
        cache.add(key, time.time_ns(), timeout=None)
        value = cache.get(key)
    return value


def bump(scope: str) -> None:
    readahead.forget(_key(scope))
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


@functools.lru_cache(maxsize=16_384)
def keys_of(scopes: tuple[str, ...], variant: str) -> tuple[tuple[str, ...], str]:
    """The cache keys ``cached(scopes, variant, …)`` reads: the generations, and the entry
    (remembered: every request of a hot page asks for the same ones)."""
    slot = "cached:" + hashlib.sha256(f"{'|'.join(scopes)}|{variant}".encode()).hexdigest()
    return tuple(_key(scope) for scope in (EPOCH, *scopes)), slot


def cached(scopes: tuple[str, ...], variant: str, compute, *, ttl: int, valid=None):
    """``compute()``'s result for ``variant``, reused until one of ``scopes`` changes (or ``ttl`` s).

    One round trip in the usual case: the scopes' generations and the entry are read together.
    The entry carries the generations it was computed under and is used only while they are
    still the current ones; ``valid(value)`` may refuse it earlier (a value that knows when it
    goes stale). ``compute`` must not return None.
    """
    keys, slot = keys_of(scopes, variant)
    found = readahead.get_many([*keys, slot])
    generations = tuple(found.get(key) or current(scope) for key, scope in zip(keys, (EPOCH, *scopes), strict=True))
    entry = found.get(slot)
    if None in generations:  # the cache is away: nothing it holds, or would hold, can be trusted
        return compute()
    if entry is not None and entry[0] == generations and (valid is None or valid(entry[1])):
        return entry[1]
    value = compute()
    readahead.forget(slot)
    cache.set(slot, (generations, value), timeout=ttl)
    return value


#: model -> the scope its bulk writes bump (``WatchedQuerySet``)
_BULK_SCOPES: dict[type, str] = {}


def watch(model, *, scopes, bulk: str) -> None:
    """Keep cached reads of ``model`` honest: saving or deleting an instance bumps
    ``scopes(instance)``; a bulk write, which names no instance, bumps ``bulk``.

    Bulk writes send no signals, so the model's default manager must be built on
    ``WatchedQuerySet`` (``tests/tenancy/test_access_cache.py`` checks it).
    """

    def instance_changed(sender, instance, **kwargs):
        changed(*scopes(instance))

    uid = f"generations:{model._meta.label}"
    post_save.connect(instance_changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(instance_changed, sender=model, weak=False, dispatch_uid=uid)
    _BULK_SCOPES[model] = bulk


def watched_models() -> dict[type, str]:
    return dict(_BULK_SCOPES)


class WatchedQuerySet(models.QuerySet):
    """A queryset whose bulk writes (``update``, ``bulk_create``, ``bulk_update``) mark the
    model's ``bulk`` scope changed. Deletes need nothing: with receivers connected, Django
    deletes instance by instance and sends ``post_delete`` for each."""

    def _bulk_changed(self):
        scope = _BULK_SCOPES.get(self.model)
        if scope is not None:
            changed(scope)

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        self._bulk_changed()
        return rows

    update.alters_data = True

    def bulk_create(self, *args, **kwargs):
        objs = super().bulk_create(*args, **kwargs)
        self._bulk_changed()
        return objs

    def bulk_update(self, *args, **kwargs):
        rows = super().bulk_update(*args, **kwargs)
        self._bulk_changed()
        return rows
