"""An enterprise's track record in a cluster (its reputation), provided by the app that keeps it.

Membership comes before the marketplace and imports nothing of it: the member directory and the
enterprise profile show a partner's reputation through the provider the marketplace registers in
its ``AppConfig.ready()``. Without one, every enterprise has no record (``None``).

The provider is ``reputations(cluster_ids=, enterprise_ids=)``: a queryset (or any iterable) of
rows with ``cluster_id``, ``enterprise_id``, ``deals_completed``, ``on_time_rate``,
``average_score``, ``ratings_count`` and ``updated_at``, in one query whatever the ids.
"""

from collections.abc import Callable, Iterable

_provider: list[Callable[..., Iterable]] = []


def register(reputations: Callable[..., Iterable]) -> None:
    """Called once, by the app that keeps the reputations (``apps.marketplace.apps``)."""
    _provider[:] = [reputations]


def of(*, cluster_ids: Iterable[int], enterprise_ids: Iterable[int]) -> dict[tuple[int, int], object]:
    """``{(cluster_id, enterprise_id): record}`` for the pairs that have one (one query)."""
    cluster_ids, enterprise_ids = set(cluster_ids), set(enterprise_ids)
    if not _provider or not cluster_ids or not enterprise_ids:
        return {}
    rows = _provider[0](cluster_ids=cluster_ids, enterprise_ids=enterprise_ids)
    return {(row.cluster_id, row.enterprise_id): row for row in rows}
