"""The one registry of views whose answers are cached.

A cached answer may be served to another caller than the one it was computed for, so its
key must carry everything the answer depends on: the user when it depends on the user (their
enterprises, their drafts, ``?mine=true``), the language, the query and the generations of
what it shows. Every view that caches its answers is registered here with ``@cached_view``;
``tests/security/test_isolation.py`` asks each registered view's URLs as two users of
different enterprises and as a member and an administrator, and fails for a view that
caches without being registered, or that is registered without a case.
"""

CACHED_VIEWS: dict[str, type] = {}


def cached_view(cls):
    """Register ``cls`` as a view whose answers come from the cache."""
    CACHED_VIEWS[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return cls


def is_cached_view(cls) -> bool:
    return f"{cls.__module__}.{cls.__qualname__}" in CACHED_VIEWS
