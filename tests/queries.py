"""Counting a request's queries fairly."""

from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextmanager
def cold_queries():
    """Capture the queries of a request that finds nothing in the cache (the cluster, the
    caller and their roles are read again), so that two requests made before and after
    adding rows compare like with like."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        yield queries
