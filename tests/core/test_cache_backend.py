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
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
    cache.delete_many(["a", "n"])  # not clear(): that would flush a database the broker may share
    assert cache.get("a") is None
