"""A cluster's request reads the cache in one round trip, and the read-ahead never answers
with a value that the request itself has since replaced."""

import pytest
from django.core.cache import cache

from apps.core import generations, readahead
from tests.factories import ClusterFactory, UserFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.tenancy.test_access_cache import signed_in


class CacheReads:
    """Counts the round trips to the cache (``get`` and ``get_many``) while it is active
    (the test cache's ``get_many`` calls ``get`` per key: those are one read)."""

    def __init__(self, monkeypatch):
        self.count, self._depth = 0, 0
        for name in ("get", "get_many"):
            original = getattr(cache, name)
            monkeypatch.setattr(cache, name, self._counting(original))

    def _counting(self, original):
        def read(*args, **kwargs):
            self.count += self._depth == 0
            self._depth += 1
            try:
                return original(*args, **kwargs)
            finally:
                self._depth -= 1

        return read


@pytest.mark.django_db
def test_a_repeated_market_read_asks_the_cache_once(monkeypatch):
    cluster, owner = ClusterFactory(), UserFactory()
    enterprise = EnterpriseFactory(owner=owner)
    MembershipFactory(cluster=cluster, enterprise=enterprise)
    client, market = signed_in(owner), f"/api/v1/clusters/{cluster.slug}/orders/?status=open"
    assert client.get(market).status_code == 200  # teaches this process the session's user
    assert client.get(market).status_code == 200
    reads = CacheReads(monkeypatch)
    response = client.get(market)
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert reads.count == 1  # session, cluster, user, roles and page together


def test_reading_ahead_answers_from_what_it_fetched_and_forgets_what_is_written():
    cache.set_many({"a": 1, "b": 2})
    with readahead.reading(["a", "b", "absent"]):
        cache.set("a", 10)  # someone else's write: the request keeps the value it read first
        assert readahead.get_many(["a", "b", "absent"]) == {"a": 1, "b": 2}
        readahead.forget("a")  # the request's own write
        assert readahead.get_many(["a", "c"]) == {"a": 10}
    assert readahead.get_many(["a", "b"]) == {"a": 10, "b": 2}


def test_a_bump_inside_the_request_is_seen_by_its_later_reads():
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    assert generations.cached(("scope",), "v", compute, ttl=60) == 1
    keys, slot = generations.keys_of(("scope",), "v")
    with readahead.reading([*keys, slot]):
        assert generations.cached(("scope",), "v", compute, ttl=60) == 1
        generations.bump("scope")
        assert generations.cached(("scope",), "v", compute, ttl=60) == 2
        assert generations.cached(("scope",), "v", compute, ttl=60) == 2
