"""Where the caller stands with a cluster, for the call to action on its public page.

Tenancy comes first and imports none of the apps above it: membership registers its provider
in ``MembershipConfig.ready()``. Without one the page offers no way to join.
"""

from collections.abc import Callable

_provider: Callable | None = None


def register(provider: Callable) -> None:
    """``provider(*, cluster, user, is_admin) -> dict`` with ``enterprises`` (a list of dicts:
    ``enterprise``, ``status`` (a membership status or None), ``since`` (a datetime or None),
    ``can_apply``), ``can_apply`` (some enterprise could apply now) and ``pending_count``
    (applications waiting, for an administrator; None otherwise)."""
    global _provider
    _provider = provider


def joining_state(*, cluster, user, is_admin: bool) -> dict | None:
    if _provider is None or not user.is_authenticated:
        return None
    return _provider(cluster=cluster, user=user, is_admin=is_admin)
