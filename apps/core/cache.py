"""Django's Redis cache backend: one redis-py client per connection pool, and a Redis that
is away answered as a cache miss.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache call,
and each one copies redis-py's table of ~160 response callbacks: on the market list that
was about 2 ms of every request. A ``redis.Redis`` is safe to share between threads (it
takes a connection from the pool per command), so one per pool is enough.

**Redis away.** Every operation that cannot reach Redis (``ConnectionError``,
``TimeoutError``) answers as a miss: reads return the default, writes are dropped, ``incr``
says the key is missing. A breaker shared by the process's threads then answers the same
at once for ``breaker_seconds`` (``OPTIONS``, default 5), after which one caller tries Redis
again; so a Redis that is down costs one connect timeout per interval, not one per call,
and is logged once per ``LOG_INTERVAL``, not once per call.

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

from django.core.cache.backends import redis as django_redis
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


class ReusingRedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        seconds = float(options.pop("breaker_seconds", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusingRedisCacheClient
        # one breaker per server and key prefix: its epoch is renewed under that prefix
        self.breaker = breaker_for(f"{server} {self.key_prefix}".strip(), seconds)

    def validate_key(self, key):
        """Django warns about keys memcached could not store; Redis stores any key, and a
        request reads a dozen, so the check is skipped."""

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
        except UNREACHABLE as exc:
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
    def add(self, key, value, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().add, lambda: True, key, value, timeout, version, write=True)

    def set(self, key, value, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set, lambda: None, key, value, timeout, version, write=True)

    def set_many(self, data, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set_many, lambda: list(data), data, timeout, version, write=True)

    def touch(self, key, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
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
