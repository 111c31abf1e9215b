"""Reads of the marketplace, always scoped by cluster.

Every read that shows listings goes through ``listings_visible`` (or applies the same
``ListingQuerySet.visible_to``): a draft is its owner's alone, whoever else asks.
"""

from django.db.models import CharField, Value

from apps.membership.models import EnterpriseMember

from .services.listings import LISTING_MODELS


def viewer_enterprise_ids(user) -> frozenset[int]:
    """The enterprises ``user`` is a person of (none for anonymous callers): whose drafts they see."""
    if user is None or not user.is_authenticated:
        return frozenset()
    return frozenset(EnterpriseMember.objects.filter(user=user).values_list("enterprise_id", flat=True))


def listings_visible(*, cluster, kind: str, enterprise_ids=()):
    """The listings of kind ``kind`` in ``cluster`` that a viewer whose enterprises are
    ``enterprise_ids`` may see: every one but the drafts of other enterprises."""
    return LISTING_MODELS[kind].objects.filter(cluster=cluster).visible_to(enterprise_ids)


def listing_get(*, cluster, kind: str, listing_id: int, enterprise_ids=()):
    """The listing of kind ``kind`` with this id in ``cluster`` (its owner loaded) that the viewer
    may see, or None. Without ``enterprise_ids`` no draft is found (reports name published listings)."""
    if kind not in LISTING_MODELS:
        return None
    return (
        listings_visible(cluster=cluster, kind=kind, enterprise_ids=enterprise_ids)
        .filter(pk=listing_id)
        .select_related("owner")
        .first()
    )


def listing_summaries(*, cluster, refs) -> dict[tuple[str, int], dict]:
    """``(kind, id) -> {"title", "status"}`` for listings of ``cluster``, in one query whatever their kinds.

    Refs that name no listing of the cluster, or a draft (its owner's alone), are left out.
    """
    ids: dict[str, set[int]] = {}
    for kind, listing_id in refs:
        if kind in LISTING_MODELS and listing_id is not None:
            ids.setdefault(kind, set()).add(listing_id)
    if not ids:
        return {}
    first, *rest = (
        listings_visible(cluster=cluster, kind=kind)
        .filter(pk__in=sorted(kind_ids))
        .order_by()
        .annotate(listing_kind=Value(kind, output_field=CharField()))
        .values_list("listing_kind", "pk", "title", "status")
        for kind, kind_ids in ids.items()
    )
    rows = first.union(*rest, all=True) if rest else first
    return {(kind, pk): {"title": title, "status": status} for kind, pk, title, status in rows}
