"""The Redis cache backend: django-redis, with a Redis that is away answered as a cache miss.

django-redis keeps one redis-py client per server for each cache object (Django's own
``RedisCache`` builds a new ``redis.Redis`` for every call, and each copies redis-py's table of
~160 response callbacks: on the market list that was about 2 ms of every request). Its
options are django-redis's (``SOCKET_CONNECT_TIMEOUT``, ``SOCKET_TIMEOUT``,
``CONNECTION_POOL_KWARGS``, …), plus ``breaker_seconds`` below.

**Redis away.** Every operation that cannot reach Redis (``ConnectionError``,
``TimeoutError``) answers as a miss: reads return the default, writes are dropped, ``incr``
says the key is missing. A breaker shared by the process's threads then answers the same
at once for ``breaker_seconds`` (``OPTIONS``, default 5), after which one caller tries Redis
again; so a Redis that is down costs one connect timeout per interval, not one per call,
and is logged once per ``LOG_INTERVAL``, not once per call. (django-redis's own
``IGNORE_EXCEPTIONS`` would try Redis on every call and log each failure, and lets ``add``
report failure; the breaker takes its place, so it stays off.)

**Coming back.** A write dropped while Redis was away (a generation bump, a deleted
session) would leave Redis, once it answers again, holding what that write replaced. So a
process that dropped a write starts the cache afresh before its first operation on a Redis
that answers again: it sets ``EPOCH_KEY`` to a new value, and the generation-based reads
(``apps.core.generations``) and the cached sessions (``apps.accounts.sessions``) trust only
entries stored under the current epoch.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.exceptions import ImproperlyConfigured
from django_redis.cache import RedisCache as BaseRedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: the cache key whose value every epoch-checked entry carries (see the module docstring)
EPOCH_KEY = "gen:epoch"
#: seconds between two log lines about the same Redis being away
LOG_INTERVAL = 60
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class Breaker:
    """Whether to try Redis at all, shared by every thread's cache for one server."""

    def __init__(self, name: str, seconds: float):
        self.name, self.seconds = name, seconds
        self._lock = threading.Lock()
        self.open_until = 0.0  # monotonic time; 0: closed, Redis is tried
        self.dirty = False  # a write was dropped since Redis last answered
        self.last_error = ""
        self._logged_at = float("-inf")

    def allow(self) -> bool:
        if not self.open_until:
            return True
        with self._lock:
            now = time.monotonic()
            if now < self.open_until:
                return False
            self.open_until = now + self.seconds  # this caller tries; the others keep missing meanwhile
            return True

    def failed(self, exc: Exception) -> None:
        with self._lock:
            now = time.monotonic()
            self.open_until = now + self.seconds
            self.last_error = f"{type(exc).__name__}: {exc}"[:300]
            if now - self._logged_at < LOG_INTERVAL:
                return
            self._logged_at = now
        logger.warning(
            "cache %s unavailable (%s): answering as misses, retrying every %ss",
            self.name,
            self.last_error,
            self.seconds,
        )

    def succeeded(self) -> None:
        if not self.open_until:
            return
        with self._lock:
            self.open_until, self.last_error = 0.0, ""
            self._logged_at = float("-inf")
        logger.warning("cache %s answers again", self.name)


_BREAKERS: dict[str, Breaker] = {}
_BREAKERS_LOCK = threading.Lock()


def breaker_for(name: str, seconds: float) -> Breaker:
    with _BREAKERS_LOCK:
        breaker = _BREAKERS.get(name)
        if breaker is None:
            breaker = _BREAKERS[name] = Breaker(name, seconds)
        return breaker


class RedisCache(BaseRedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        seconds = float(options.pop("breaker_seconds", 5))
        # django-redis ignores options it does not know: a Django-style ``socket_timeout``
        # would leave a frozen Redis holding every request, so it is refused
        unknown = sorted(key for key in options if not key.isupper())
        if unknown:
            raise ImproperlyConfigured(
                f"cache OPTIONS {unknown}: django-redis takes upper-case options "
                "(SOCKET_CONNECT_TIMEOUT, SOCKET_TIMEOUT, CONNECTION_POOL_KWARGS, …) and breaker_seconds"
            )
        if options.get("IGNORE_EXCEPTIONS"):
            raise ImproperlyConfigured("cache OPTIONS: the outage breaker replaces django-redis's IGNORE_EXCEPTIONS")
        # failures reach the breaker, whatever DJANGO_REDIS_IGNORE_EXCEPTIONS says
        options["IGNORE_EXCEPTIONS"] = False
        super().__init__(server, {**params, "OPTIONS": options})
        # one breaker per server and key prefix: its epoch is renewed under that prefix
        self.breaker = breaker_for(f"{server} {self.key_prefix}".strip(), seconds)

    @property
    def unavailable_reason(self) -> str:
        """Why the last call could not reach Redis ('' while it answers)."""
        return self.breaker.last_error

    def _guarded(self, operation, missed, *args, write=False, **kwargs):
        breaker = self.breaker
        if not breaker.allow():
            breaker.dirty = breaker.dirty or write
            return missed()
        try:
            if breaker.dirty:
                self._start_afresh()
            result = operation(*args, **kwargs)
        except UNREACHABLE as exc:  # django-redis re-raises redis-py's own error
            breaker.dirty = breaker.dirty or write
            breaker.failed(exc)
            return missed()
        except Exception:
            breaker.succeeded()  # Redis answered (``incr`` of a missing key, say)
            raise
        breaker.succeeded()
        return result

    def _start_afresh(self):
        """Writes were dropped while Redis was away: whatever it still holds from before is
        stale, so every epoch-checked entry is retired at once."""
        self.breaker.dirty = False
        try:
            super().set(EPOCH_KEY, time.time_ns(), timeout=None)
        except UNREACHABLE:
            self.breaker.dirty = True
            raise

    # Reads: a miss.
    def get(self, key, default=None, version=None):
        return self._guarded(super().get, lambda: default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded(super().get_many, dict, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(super().has_key, lambda: False, key, version)

    # Writes: dropped (``add`` reports success, as it would on a miss, so that callers
    # taking a cache lock, such as allauth's rate limits, go on rather than wait).
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().add, lambda: True, key, value, timeout, version, write=True)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set, lambda: None, key, value, timeout, version, write=True)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        # Django's contract: the keys that could not be stored (django-redis answers None)
        stored = self._guarded(super().set_many, lambda: list(data), data, timeout, version, write=True)
        return stored or []

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().touch, lambda: False, key, timeout, version, write=True)

    def delete(self, key, version=None):
        return self._guarded(super().delete, lambda: False, key, version, write=True)

    def delete_many(self, keys, version=None):
        return self._guarded(super().delete_many, lambda: None, keys, version, write=True)

    def clear(self):
        return self._guarded(super().clear, lambda: False, write=True)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")

        return self._guarded(super().incr, missing, key, delta, version, write=True)

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version)

    def incr_version(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")

        return self._guarded(super().incr_version, missing, key, delta, version, write=True)
