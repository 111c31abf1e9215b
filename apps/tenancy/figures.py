"""The figures a cluster's public page shows, provided by the app that counts them.

Tenancy comes first and imports none of the apps above it: monitoring registers its provider
in ``MonitoringConfig.ready()``. Without one the page shows no figures.
"""

from collections.abc import Callable

_provider: Callable | None = None


def register(provider: Callable) -> None:
    """``provider(cluster) -> dict`` with ``active_members``, ``deals_done``, ``on_time_text`` and
    ``as_of`` (a datetime, or None when counted now)."""
    global _provider
    _provider = provider


def public_figures(cluster) -> dict | None:
    return _provider(cluster) if _provider is not None else None
