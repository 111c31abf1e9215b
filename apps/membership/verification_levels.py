"""An enterprise's on-site verification level in a cluster, provided by the app that keeps it.

Membership comes before parks and imports nothing of it: the member directory and the enterprise
profile show the level through the provider parks registers in its ``AppConfig.ready()``
(as ``track_records`` does for reputation). Without one, no enterprise has a level.

The provider is ``levels_of(cluster_ids=, enterprise_ids=)``: ``{(cluster_id, enterprise_id):
{"level", "label", "expires_at"}}`` for the pairs with a level in force, in one query.
"""

from collections.abc import Callable, Iterable

_provider: list[Callable[..., dict]] = []


def register(levels_of: Callable[..., dict]) -> None:
    """Called once, by the app that keeps the visits (``apps.parks.apps``)."""
    _provider[:] = [levels_of]


def of(*, cluster_ids: Iterable[int], enterprise_ids: Iterable[int]) -> dict[tuple[int, int], dict]:
    cluster_ids, enterprise_ids = set(cluster_ids), set(enterprise_ids)
    if not _provider or not cluster_ids or not enterprise_ids:
        return {}
    return _provider[0](cluster_ids=cluster_ids, enterprise_ids=enterprise_ids)
