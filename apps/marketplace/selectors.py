"""Reads of the marketplace, always scoped by cluster, shared by the pages and the API.

Every read that shows listings goes through ``listings_visible`` (or applies the same
``ListingQuerySet.visible_to``): a draft is its owner's alone, whoever else asks. Who may see
a match or a deal is decided once, here (``matches_visible``, ``deals_visible``): the cluster's
administrators (and platform staff) every one, anyone else those their enterprises are a side of.
"""

from decimal import Decimal

from django.db.models import Case, CharField, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When

from apps.membership.models import Enterprise, EnterpriseMember, Membership
from apps.partnerships.selectors import partners_by_kind
from apps.reference.models import Region
from apps.tenancy.selectors import ADMINISTRATOR

from .models import LISTING_MODELS, MATCHABLE, Deal, DealEvent, Match, Order, Rating, Reputation

#: what a listing row shows besides the listing (no per-row queries)
LISTING_RELATED = {"order": ("owner", "capability"), "capacity": ("owner", "capability")}


def viewer_enterprise_ids(user) -> frozenset[int]:
    """The enterprises ``user`` is a person of (none for anonymous callers): whose drafts they see."""
    if user is None or not user.is_authenticated:
        return frozenset()
    return frozenset(EnterpriseMember.objects.filter(user=user).values_list("enterprise_id", flat=True))


def viewer_point(user) -> tuple[Decimal, Decimal] | None:
    """The point of the first of the user's enterprises that has one: where "nearest" is measured from."""
    ids = viewer_enterprise_ids(user)
    point = (
        Enterprise.objects.filter(pk__in=ids, latitude__isnull=False, longitude__isnull=False)
        .order_by("pk")
        .values_list("latitude", "longitude")
        .first()
    )
    return tuple(point) if point else None


def best_match_score(listing_field: str, user):
    """The score of the best live match (proposed or accepted) between a listing and the
    user's enterprises, as an expression over the listing's rows (None without one)."""
    ids = list(viewer_enterprise_ids(user))
    matches = Match.objects.filter(
        Q(demand_owner_id__in=ids) | Q(supply_owner_id__in=ids),
        **{listing_field: OuterRef("pk")},
        status__in=(Match.Status.PROPOSED, Match.Status.ACCEPTED),
    )
    return Subquery(matches.order_by("-score").values("score")[:1])


def postable_enterprises(*, user, cluster) -> list[Enterprise]:
    """The user's enterprises that are active members of the cluster (the owners they may post for)."""
    return list(
        Enterprise.objects.filter(
            people__user=user,
            memberships__cluster=cluster,
            memberships__status=Membership.Status.ACTIVE,
        )
        .distinct()
        .order_by("legal_name_zh")
    )


# --- Listings -----------------------------------------------------------------------------------


def listings_visible(*, cluster, kind: str, enterprise_ids=()):
    """The listings of kind ``kind`` in ``cluster`` that a viewer whose enterprises are
    ``enterprise_ids`` may see: every one but the drafts of other enterprises."""
    return LISTING_MODELS[kind].objects.filter(cluster=cluster).visible_to(enterprise_ids)


def listings_shown(*, cluster, kind: str, enterprise_ids=()):
    """``listings_visible`` with what a listing's row and page show loaded (no per-row queries)."""
    qs = listings_visible(cluster=cluster, kind=kind, enterprise_ids=enterprise_ids).select_related(
        *LISTING_RELATED.get(kind, ("owner",))
    )
    if kind == "order":
        qs = qs.prefetch_related("required_certifications")
    return qs


def market_listings(*, cluster, kind: str, enterprise_ids=()):
    """The market's tab of one kind: the listings open to matching, the latest published first."""
    return (
        listings_shown(cluster=cluster, kind=kind, enterprise_ids=enterprise_ids)
        .filter(status__in=MATCHABLE)
        .order_by("-published_at", "-pk")
    )


def _owned(queryset, enterprise_ids, ended: tuple):
    qs = queryset.filter(owner_id__in=enterprise_ids)
    return qs.exclude(status__in=ended) if ended else qs


def owned_listings(*, cluster, kind: str, enterprise_ids, ended: tuple = ()):
    """The listings of one kind that ``enterprise_ids`` own (``ended`` statuses left out), newest first."""
    qs = listings_shown(cluster=cluster, kind=kind, enterprise_ids=enterprise_ids)
    return _owned(qs, enterprise_ids, ended).order_by("-created_at", "-pk")


def owned_counts(*, cluster, enterprise_ids, ended: tuple = ()) -> dict[str, int]:
    """kind -> how many listings of the cluster ``enterprise_ids`` own (``ended`` statuses left out)."""
    return {
        kind: _owned(model.objects.filter(cluster=cluster), enterprise_ids, ended).count()
        for kind, model in LISTING_MODELS.items()
    }


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


def listing_shown(*, cluster, kind: str, listing_id: int, enterprise_ids=()):
    """The listing with what its page shows loaded, if the viewer may see it (else None)."""
    return listings_shown(cluster=cluster, kind=kind, enterprise_ids=enterprise_ids).filter(pk=listing_id).first()


def with_region_names(listings, kind: str) -> None:
    """``region_label``: the city's name for the region code of orders and capacity (one query)."""
    field = {"order": "delivery_region_code", "capacity": "region_code"}.get(kind)
    if not field or not listings:
        return
    codes = {getattr(listing, field) for listing in listings}
    names = {region.code: region.name for region in Region.objects.filter(code__in=codes)}
    for listing in listings:
        code = getattr(listing, field)
        listing.region_label = f"{names[code]} ({code})" if code in names else code


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


# --- Who sees a match or a deal -----------------------------------------------------------------


def sees_every_deal(*, user, roles) -> bool:
    """The cluster's administrators and platform staff see every match and deal of the cluster."""
    return ADMINISTRATOR in roles or bool(user.is_authenticated and user.is_staff)


def _sides(user, *fields: str) -> Q:
    """Rows one of whose ``fields`` (the sides) is an enterprise ``user`` is a person of."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    enterprises = EnterpriseMember.objects.filter(user=user).values("enterprise_id")
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__in": enterprises})
    return condition


def matches_visible(*, cluster, user, roles, mine_only: bool = False):
    """The matches of ``cluster`` the caller may see: administrators (and staff) every one, unless
    they ask for their own (``mine_only``); anyone else those their enterprises are a side of.
    A match the caller may not see is not found (404), not refused. A cross-cluster match is both
    clusters' (``partner_cluster``): each one's administrators see it."""
    qs = Match.objects.filter(Q(cluster=cluster) | Q(partner_cluster=cluster))
    if mine_only or not sees_every_deal(user=user, roles=roles):
        qs = qs.filter(_sides(user, "demand_owner_id", "supply_owner_id"))
    return qs


def deals_visible(*, cluster, user, roles, mine_only: bool = False):
    """The deals of ``cluster`` the caller may see, by the same rule as ``matches_visible`` (a
    cross-cluster deal is both clusters', whatever became of the partnership since)."""
    qs = Deal.objects.filter(Q(cluster=cluster) | Q(partner_cluster=cluster))
    if mine_only or not sees_every_deal(user=user, roles=roles):
        qs = qs.filter(_sides(user, "buyer_id", "supplier_id"))
    return qs


def _cards(queryset):
    """Matches with what a match card shows loaded, the open proposals first, newest first."""
    return (
        queryset.select_related(
            "demand_owner",
            "supply_owner",
            "order",
            "capacity",
            "channel_request",
            "channel_offer",
            "declined_by",
            "deal",
        )
        .annotate(
            open_first=Case(
                When(status=Match.Status.PROPOSED, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("open_first", "-created_at", "-pk")
    )


def match_cards(*, cluster, user, roles, mine_only: bool = False, statuses=None):
    """The matches the caller may see (``statuses`` only, when given), as the match list shows them."""
    qs = matches_visible(cluster=cluster, user=user, roles=roles, mine_only=mine_only)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return _cards(qs)


def listing_match_cards(*, cluster, kind: str, listing, limit: int = 50) -> list[Match]:
    """The latest matches on one listing (for its owner's page), as the match list shows them.
    (A match points at each of its listings through the field named as the listing's kind.)"""
    return list(_cards(Match.objects.filter(cluster=cluster, **{kind: listing}))[:limit])


def match_is_visible(*, cluster, user, roles, match_id: int) -> bool:
    return matches_visible(cluster=cluster, user=user, roles=roles).filter(pk=match_id).exists()


def deal_id_of(match) -> int | None:
    """The deal a match became (None while it has not)."""
    return Deal.objects.filter(match=match).values_list("pk", flat=True).first()


def _rows(queryset):
    """Deals with what a deal row shows loaded, newest first."""
    return queryset.select_related("buyer", "supplier", "match__order", "match__channel_request").order_by(
        "-created_at", "-pk"
    )


def deal_rows(*, cluster, user, roles, mine_only: bool = False, statuses=None):
    """The deals the caller may see (``statuses`` only, when given), as the deal list shows them."""
    qs = deals_visible(cluster=cluster, user=user, roles=roles, mine_only=mine_only)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return _rows(qs)


def deal_page(*, cluster, user, roles, deal_id: int) -> Deal | None:
    """The deal with its terms, timeline and ratings loaded for its page, if the caller may see it."""
    return (
        _rows(deals_visible(cluster=cluster, user=user, roles=roles))
        .select_related("match__capacity", "match__channel_offer")
        .prefetch_related(
            Prefetch("events", queryset=DealEvent.objects.select_related("actor").order_by("created_at", "pk")),
            Prefetch("ratings", queryset=Rating.objects.select_related("rater", "ratee").order_by("pk")),
        )
        .filter(pk=deal_id)
        .first()
    )


def deals_with_timeline(queryset):
    """Deals with their milestones and ratings (the API's answer), newest first."""
    return (
        queryset.select_related("buyer", "supplier")
        .prefetch_related(
            Prefetch("events", queryset=DealEvent.objects.order_by("created_at", "pk")),
            Prefetch("ratings", queryset=Rating.objects.order_by("pk")),
        )
        .order_by("-created_at", "-pk")
    )


def reputations(*, cluster):
    """The track records of this cluster's enterprises, best-established first."""
    return (
        Reputation.objects.filter(cluster=cluster)
        .select_related("enterprise")
        .order_by("-deals_completed", "enterprise_id")
    )


def reputations_of(*, cluster_ids, enterprise_ids):
    """The track records of these enterprises in these clusters (one query): what the member
    directory, the enterprise profile, matches and deals show of a partner."""
    return Reputation.objects.filter(cluster_id__in=cluster_ids, enterprise_id__in=enterprise_ids)


def with_track_records(queryset, *, cluster, sides: tuple[str, ...]):
    """``queryset`` (matches or deals) with each side's reputation in ``cluster`` prefetched onto the
    enterprise as ``cluster_reputation`` (one query per side, whatever the page's size)."""
    return queryset.prefetch_related(
        *(
            Prefetch(
                f"{side}__reputations",
                queryset=Reputation.objects.filter(cluster=cluster),
                to_attr="cluster_reputation",
            )
            for side in sides
        )
    )


#: what the partner view shows of a partner's listing (one row per listing, whatever its kind)
PARTNER_LISTING_FIELDS = (
    "listing_kind",
    "id",
    "cluster_id",
    "cluster__slug",
    "cluster__name_en",
    "cluster__name_zh",
    "owner_id",
    "owner__legal_name_en",
    "owner__legal_name_zh",
    "title",
    "description",
    "status",
    "created_at",
)


def partner_listings(*, cluster):
    """The partner view: the listings of the clusters partnered with ``cluster`` in force that their
    owners opened to partner clusters (``shared_with_partners``), published and still open, and
    only of the kinds the partnership with that cluster shares; never anything else of theirs.
    One query (a union over the kinds), newest first."""
    parts = []
    by_kind = partners_by_kind(cluster)
    for kind, model in LISTING_MODELS.items():
        partners = by_kind.get(kind)
        if not partners:
            continue
        qs = model.objects.filter(cluster_id__in=sorted(partners), shared_with_partners=True, status__in=MATCHABLE)
        parts.append(
            qs.annotate(listing_kind=Value(kind, output_field=CharField())).values(*PARTNER_LISTING_FIELDS).order_by()
        )
    if not parts:
        return (
            Order.objects.none()
            .annotate(listing_kind=Value("", output_field=CharField()))
            .values(*PARTNER_LISTING_FIELDS)
        )
    first, *rest = parts
    return (first.union(*rest, all=True) if rest else first).order_by("-created_at", "-id")
