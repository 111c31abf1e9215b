"""Reads of the marketplace that other apps need, always scoped by cluster."""

from django.db.models import CharField, Value

from .services.listings import LISTING_MODELS


def listing_get(*, cluster, kind: str, listing_id: int):
    """The listing of kind ``kind`` with this id in ``cluster`` (its owner loaded), or None."""
    model = LISTING_MODELS.get(kind)
    if model is None:
        return None
    return model.objects.filter(cluster=cluster, pk=listing_id).select_related("owner").first()


def listing_summaries(*, cluster, refs) -> dict[tuple[str, int], dict]:
    """``(kind, id) -> {"title", "status"}`` for listings of ``cluster``, in one query whatever their kinds.

    Refs that name no listing of the cluster are left out.
    """
    ids: dict[str, set[int]] = {}
    for kind, listing_id in refs:
        if kind in LISTING_MODELS and listing_id is not None:
            ids.setdefault(kind, set()).add(listing_id)
    if not ids:
        return {}
    first, *rest = (
        LISTING_MODELS[kind]
        .objects.filter(cluster=cluster, pk__in=sorted(kind_ids))
        .order_by()
        .annotate(listing_kind=Value(kind, output_field=CharField()))
        .values_list("listing_kind", "pk", "title", "status")
        for kind, kind_ids in ids.items()
    )
    rows = first.union(*rest, all=True) if rest else first
    return {(kind, pk): {"title": title, "status": status} for kind, pk, title, status in rows}
