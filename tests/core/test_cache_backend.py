"""The Redis cache backend shares one client per pool and still behaves as Django's."""

import os

import pytest

from apps.core.cache import RedisCache


@pytest.mark.redis
def test_one_client_per_pool_and_the_usual_operations():
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "test-cache-backend"})
    cache.set("a", {"x": 1}, 30)
    assert cache.get("a") == {"x": 1}
    cache.set("n", 1, 30)
    assert cache.incr("n") == 2
    assert cache.get_many(["a", "n", "missing"]) == {"a": {"x": 1}, "n": 2}
    assert cache.client.get_client(write=True) is cache.client.get_client(write=True)
    cache.delete_many(["a", "n"])  # not clear(): that would flush a database the broker may share
    assert cache.get("a") is None


def test_a_redis_that_is_away_answers_as_a_miss_and_the_breaker_answers_at_once(caplog):
    """Nothing listens on the port: reads miss, writes are dropped, incr says missing; after
    the first failure the breaker answers without trying (and logs once, not per call)."""
    import socket
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    cache = RedisCache(f"redis://127.0.0.1:{port}/0", {"OPTIONS": {"breaker_seconds": 30}})
    assert cache.get("a", "default") == "default"
    assert f"127.0.0.1:{port}" in cache.unavailable_reason
    started = time.monotonic()
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set("a", 1) is None and cache.add("a", 1) is True  # dropped, as on a miss
    assert cache.has_key("a") is False and cache.delete("a") is False
    with pytest.raises(ValueError):
        cache.incr("n")
    assert cache.get_or_set("a", 2) == 2
    assert time.monotonic() - started < 0.1  # the breaker is open: no call waits for Redis
    assert cache.breaker.dirty  # the writes it dropped
    assert [record.levelname for record in caplog.records if record.name == "apps.core.cache"] == ["WARNING"]


@pytest.mark.redis
def test_a_process_that_dropped_writes_starts_the_cache_afresh_when_redis_answers_again():
    """The epoch changes before the first operation on a Redis that answers again, so entries
    stored before the outage (which a dropped bump or delete should have retired) are not trusted."""
    from apps.core.cache import EPOCH_KEY

    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "test-cache-epoch", "OPTIONS": {"breaker_seconds": 0}})
    cache.set(EPOCH_KEY, 1, None)
    cache.breaker.dirty = True  # as after a write dropped while Redis was away
    assert cache.get(EPOCH_KEY) != 1
    assert not cache.breaker.dirty
    cache.delete(EPOCH_KEY)


def test_options_django_redis_would_ignore_are_refused():
    """A Django-style ``socket_timeout`` would be ignored by django-redis (no timeout at all)."""
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="socket_timeout"):
        RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_timeout": 1, "breaker_seconds": 1}})
    with pytest.raises(ImproperlyConfigured, match="IGNORE_EXCEPTIONS"):
        RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"IGNORE_EXCEPTIONS": True}})
