"""Read-ahead for a request's cache reads: one round trip instead of one per question.

A cluster's API request asks the cache, one after another, for the caller's session, the
cluster, the user, the user's roles there and often the page itself. Each of those is a
round trip to Redis, and each costs more client CPU than the answer does. Whoever knows
early which keys a request will read (``TenantScopeMiddleware``) fetches them together:

    with readahead.reading(keys):
        response = get_response(request)

Inside the block, ``get_many`` answers from what was fetched and asks the cache only for
the rest. It is a read-ahead and nothing more: a key that was not fetched, or was written
or deleted since (``forget``), is read from the cache as before, so a wrong guess costs a
round trip and never an answer. The store belongs to the current request (a context
variable), so it cannot leak between requests or threads.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache

_fetched: ContextVar[dict | None] = ContextVar("readahead", default=None)
_ABSENT = object()


@contextmanager
def reading(keys):
    keys = list(dict.fromkeys(keys))
    found = cache.get_many(keys) if keys else {}
    token = _fetched.set({key: found.get(key, _ABSENT) for key in keys})
    try:
        yield
    finally:
        _fetched.reset(token)


def get_many(keys: list[str]) -> dict:
    """``cache.get_many(keys)``, answered from the read-ahead where it has the key."""
    fetched = _fetched.get()
    if fetched is None:
        return cache.get_many(keys)
    found, missing = {}, []
    for key in keys:
        value = fetched.get(key, None)
        if key not in fetched:
            missing.append(key)
        elif value is not _ABSENT:
            found[key] = value
    if missing:
        found.update(cache.get_many(missing))
    return found


def forget(*keys: str) -> None:
    """The request wrote or deleted these keys: read them from the cache from now on."""
    fetched = _fetched.get()
    if fetched is not None:
        for key in keys:
            fetched.pop(key, None)
