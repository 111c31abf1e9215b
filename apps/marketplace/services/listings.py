"""Posting and managing listings; every change that matters to matching enqueues it on commit."""

import datetime
import functools

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import generations, outbox
from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.membership.models import EnterpriseMember, Membership
from apps.membership.permissions import require_cluster_administrator
from apps.partnerships.selectors import partners_in_force
from apps.reference.selectors import region_centre
from apps.tenancy.rules import rule_value

from .. import lifecycle
from ..lifecycle import REMOVABLE
from ..models import (
    DEMAND_KINDS,
    KIND_OF,
    LISTING_MODELS,
    MATCHABLE,
    CapacityOffer,
    ChannelOffer,
    ChannelRequest,
    ListingStatus,
    Match,
    Order,
)

#: the generation every market list depends on, bumped by changes across clusters
ALL_MARKETS = "market:*"


def market_scope(cluster_id: int, kind: str) -> str:
    """The generation a cluster's list of one kind of listing is cached under."""
    return f"market:{cluster_id}:{kind}"


def market_changed(cluster_id: int, *models) -> None:
    """The cluster's lists of these listing models change when this transaction commits."""
    generations.changed(*(market_scope(cluster_id, KIND_OF[model]) for model in models))


def require_poster(*, actor, cluster, owner) -> None:
    """The actor is a person of ``owner``, and ``owner`` is an active member of ``cluster``."""
    if not EnterpriseMember.objects.filter(enterprise=owner, user=actor).exists():
        raise PermissionDeniedError(_("You can only post for an enterprise you belong to."))
    if not Membership.objects.filter(cluster=cluster, enterprise=owner, status=Membership.Status.ACTIVE).exists():
        raise DomainError(_("This enterprise is not an active member of the cluster."), field="owner")


def capacity_total(*, quantity_per_period: int, period: str, available_from, available_until) -> int:
    """Capacity over the whole window: the per-period quantity times the (partial) periods in it."""
    days = (available_until - available_from).days + 1
    period_days = 7 if period == CapacityOffer.Period.WEEK else 30
    return max(quantity_per_period, round(quantity_per_period * days / period_days))


def _place_at_region_centre(fields: dict) -> None:
    """A capacity offer given no exact point is shown at the centre of its region's city.

    Never the owner's own point: an enterprise's exact location is private to its people
    (outsiders see its city), and a listing is read by every member of the cluster.
    """
    given = [name for name in ("latitude", "longitude") if fields.get(name) is not None]
    if len(given) == 2:
        return
    if given:
        missing = "longitude" if given == ["latitude"] else "latitude"
        raise DomainError(_("Give the latitude and the longitude together, or neither."), field=missing)
    centre = region_centre(fields["region_code"])
    if centre is None:
        raise DomainError(
            _("No centre is known for region %(code)s: give the latitude and longitude.")
            % {"code": fields["region_code"]},
            field="latitude",
        )
    fields["latitude"], fields["longitude"] = centre


@functools.cache
def _open_count_sql() -> str:
    """One round trip for the four kinds: the sum of a count per listing table (each read from
    its (cluster, owner, status) index), written once; the ORM's union of four querysets cost
    more to build on every post than the query took to run."""
    quote = connection.ops.quote_name
    statuses = ", ".join(["%s"] * len(MATCHABLE))
    counts = [
        f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)} WHERE {quote(m._meta.get_field('cluster').column)} = %s"
        f" AND {quote(m._meta.get_field('owner').column)} = %s AND {quote(m._meta.get_field('status').column)}"
        f" IN ({statuses}))"
        for m in LISTING_MODELS.values()
    ]
    return "SELECT " + " + ".join(counts)


def open_listings(cluster, owner) -> int:
    """How many listings ``owner`` has open (or partly filled) in ``cluster``, every kind together."""
    params = [cluster.pk, owner.pk, *MATCHABLE] * len(LISTING_MODELS)
    with connection.cursor() as cursor:
        cursor.execute(_open_count_sql(), params)
        return cursor.fetchone()[0]


def _check_open_limit(cluster, owner) -> None:
    """The rulebook caps how many listings one member has open in the cluster."""
    limit = rule_value(cluster=cluster, key="marketplace.open_listings_per_member")
    open_now = open_listings(cluster, owner)
    if open_now >= limit:
        raise ConflictError(
            _("This enterprise already has %(count)d open listings, the cluster's limit.") % {"count": open_now}
        )


def _validate(listing, *, creating: bool) -> None:
    today = timezone.localdate()
    errors = {}
    going_live = creating or lifecycle.can_edit(listing.status)
    if isinstance(listing, Order):
        if going_live and listing.need_by <= today:
            errors["need_by"] = [_("The need-by date must be in the future.")]
        if listing.min_lot > listing.quantity:
            errors["min_lot"] = [_("The minimum lot cannot exceed the quantity.")]
        if listing.quantity < listing.filled_quantity:
            errors["quantity"] = [_("The quantity cannot go below what is already contracted.")]
    elif isinstance(listing, CapacityOffer):
        if listing.available_until < listing.available_from:
            errors["available_until"] = [_("The window must end on or after its start.")]
        elif going_live and listing.available_until < today:
            errors["available_until"] = [_("The window has already ended.")]
        else:
            listing.total_quantity = capacity_total(
                quantity_per_period=listing.quantity_per_period,
                period=listing.period,
                available_from=listing.available_from,
                available_until=listing.available_until,
            )
            if listing.total_quantity < listing.reserved_quantity:
                errors["quantity_per_period"] = [_("The capacity cannot go below what is already reserved.")]
    elif isinstance(listing, ChannelRequest):
        if going_live and listing.start_by < today:
            errors["start_by"] = [_("The start date must not be in the past.")]
        if listing.monthly_volume < listing.filled_volume:
            errors["monthly_volume"] = [_("The volume cannot go below what is already placed.")]
    elif isinstance(listing, ChannelOffer) and listing.monthly_volume < listing.reserved_volume:
        errors["monthly_volume"] = [_("The volume cannot go below what is already reserved.")]
    try:
        listing.full_clean(exclude=_not_revalidated(listing), validate_constraints=False)
    except ValidationError as refused:  # every field's refusal at once, the service's beside the fields'
        for name, found in refused.error_dict.items():
            errors.setdefault(name, []).extend(found)
    if errors:
        raise ValidationError(errors)


def _not_revalidated(listing) -> list[str]:
    """What ``full_clean`` leaves to others: the cluster, owner and author (the caller checked
    them), and a foreign key whose row the caller handed over (already read: asking the
    database whether it exists is a round trip for nothing).

    Its check constraints are not asked of the database either (a query each, per write): every
    one has its check here or in a field's validators, which name the field the database could
    not (``tests/marketplace/test_listing_constraints.py`` holds each constraint to its check).
    The database keeps them all as the last word."""
    handed = [
        field.name
        for field in type(listing)._meta.concrete_fields
        if field.many_to_one and field.is_cached(listing) and getattr(listing, field.attname) is not None
    ]
    return ["cluster", "owner", "created_by", *handed]


def _check_shared(listing, *, was_shared: bool) -> None:
    """A listing is opened to partner clusters only while a partnership in force shares its kind."""
    opening = listing.shared_with_partners and not was_shared
    if opening and not partners_in_force(listing.cluster_id, kind=KIND_OF[type(listing)]):
        raise DomainError(
            _("No partnership in force shares this kind of listing."),
            field="shared_with_partners",
            code="no_partnership",
        )


def _enqueue_matching(listing, event: str) -> None:
    """Match the listing at once; ``event`` (new, changed, published) is what the run says started it."""
    if listing.status in MATCHABLE:
        outbox.enqueue("matching.match_listing", KIND_OF[type(listing)], listing.pk, event, listing.cluster_id)


@transaction.atomic
def listing_create(
    *, actor, cluster, listing_kind: str, owner, publish: bool = True, m2m: dict | None = None, **fields
):
    require_poster(actor=actor, cluster=cluster, owner=owner)
    model = LISTING_MODELS[listing_kind]
    if publish:
        _check_open_limit(cluster, owner)
    if model is CapacityOffer:
        fields.setdefault("region_code", owner.region_code)
        _place_at_region_centre(fields)
        fields["total_quantity"] = 0  # computed in _validate
    listing = model(cluster=cluster, owner=owner, created_by=actor, **fields)
    if publish:
        listing.status = ListingStatus.OPEN
        listing.published_at = timezone.now()
    _validate(listing, creating=True)
    _check_shared(listing, was_shared=False)
    listing.save()
    for name, values in (m2m or {}).items():
        getattr(listing, name).set(values)
    market_changed(cluster.pk, model)
    _enqueue_matching(listing, "new")
    return listing


def _require_owner_person(actor, listing) -> None:
    if not EnterpriseMember.objects.filter(enterprise=listing.owner_id, user=actor).exists():
        raise PermissionDeniedError(_("Only the people of the owning enterprise may change this listing."))


def _withdraw_open_proposals(listing) -> int:
    kind = KIND_OF[type(listing)]
    field = {
        "order": "order",
        "capacity": "capacity",
        "channel_offer": "channel_offer",
        "channel_request": "channel_request",
    }[kind]
    return Match.objects.filter(**{field: listing}, status=Match.Status.PROPOSED).update(
        status=Match.Status.WITHDRAWN, updated_at=timezone.now()
    )


@transaction.atomic
def listing_update(*, actor, listing, m2m: dict | None = None, **fields):
    _require_owner_person(actor, listing)
    listing = type(listing).objects.select_for_update().get(pk=listing.pk)
    if not lifecycle.can_edit(listing.status):
        raise ConflictError(
            _("A listing that is %(status)s cannot be edited.") % {"status": listing.get_status_display().lower()}
        )
    if (
        isinstance(listing, CapacityOffer)
        and fields.get("region_code", listing.region_code) != listing.region_code
        and "latitude" not in fields
        and "longitude" not in fields
    ):
        # moved to another region without a point: its centre, not the old point
        fields = {**fields, "latitude": None, "longitude": None}
        _place_at_region_centre(fields)
    was_shared = listing.shared_with_partners
    for name, value in fields.items():
        setattr(listing, name, value)
    _validate(listing, creating=False)
    _check_shared(listing, was_shared=was_shared)
    listing.save()
    for name, values in (m2m or {}).items():
        getattr(listing, name).set(values)
    market_changed(listing.cluster_id, type(listing))
    # Terms changed: unanswered proposals may no longer hold; the incremental job re-plans.
    withdrawn = _withdraw_open_proposals(listing)
    _enqueue_matching(listing, "changed")
    if withdrawn and KIND_OF[type(listing)] not in DEMAND_KINDS:
        _replan_after_supply_change(listing)
    return listing


def _replan_after_supply_change(listing) -> None:
    """Unified scheduling: demands that lost proposals on this supply are re-planned at once."""
    kind = KIND_OF[type(listing)]
    if kind == "capacity":
        ids = list(
            Match.objects.filter(capacity=listing, status=Match.Status.WITHDRAWN)
            .values_list("order_id", flat=True)
            .distinct()
        )
        if ids:
            outbox.enqueue("matching.replan_demands", "order", ids)
    elif kind == "channel_offer":
        ids = list(
            Match.objects.filter(channel_offer=listing, status=Match.Status.WITHDRAWN)
            .values_list("channel_request_id", flat=True)
            .distinct()
        )
        if ids:
            outbox.enqueue("matching.replan_demands", "channel_request", ids)


@transaction.atomic
def listing_transition(*, actor, listing, to: str):
    """publish (draft → open), close or cancel; closing or cancelling withdraws open proposals."""
    _require_owner_person(actor, listing)
    listing = type(listing).objects.select_for_update().get(pk=listing.pk)
    if not lifecycle.can_transition(listing.status, to):
        raise ConflictError(
            _("A listing that is %(status)s cannot become %(target)s.")
            % {"status": listing.get_status_display().lower(), "target": ListingStatus(to).label.lower()},
            code="illegal_transition",
        )
    update = {"status": to, "updated_at": timezone.now()}
    if to == ListingStatus.OPEN:
        today = timezone.localdate()
        if isinstance(listing, Order) and listing.need_by <= today:
            raise DomainError(_("The need-by date has passed; change it before publishing."), field="need_by")
        if isinstance(listing, CapacityOffer) and listing.available_until < today:
            raise DomainError(_("The window has already ended; change it before publishing."), field="available_until")
        if isinstance(listing, ChannelRequest) and listing.start_by < today:
            raise DomainError(_("The start date has passed; change it before publishing."), field="start_by")
        _check_open_limit(listing.cluster, listing.owner)
        update["published_at"] = timezone.now()
    type(listing).objects.filter(pk=listing.pk).update(**update)
    market_changed(listing.cluster_id, type(listing))
    listing.refresh_from_db()
    if to == ListingStatus.OPEN:
        _enqueue_matching(listing, "published")
    else:
        _withdraw_from_matching(listing)
    return listing


def _withdraw_from_matching(listing) -> None:
    """A listing left the market: its open proposals are withdrawn and the demands they served re-planned."""
    _withdraw_open_proposals(listing)
    if KIND_OF[type(listing)] not in DEMAND_KINDS:
        _replan_after_supply_change(listing)


@transaction.atomic
def listing_remove_by_moderator(*, actor, cluster, listing):
    """A cluster administrator takes a listing off the market (a report upheld): it is cancelled just as
    its owner would cancel it, and its open proposals are withdrawn. Returns the listing as it is now.
    """
    require_cluster_administrator(user=actor, cluster=cluster)
    model = type(listing)
    listing = model.objects.select_for_update().filter(cluster=cluster, pk=listing.pk).first()
    if listing is None:
        raise NotFoundError()
    if listing.status not in REMOVABLE:
        raise ConflictError(
            _("The listing is already %(status)s; there is nothing to remove.")
            % {"status": listing.get_status_display().lower()},
            field="listing",
            code="illegal_transition",
        )
    model.objects.filter(pk=listing.pk).update(status=ListingStatus.CANCELLED, updated_at=timezone.now())
    market_changed(cluster.pk, model)
    listing.refresh_from_db()
    _withdraw_from_matching(listing)
    return listing


def filled_status(model, filled_field: str, total_field: str):
    """The status expression after a fill: filled when nothing is left, else partially filled."""
    from django.db.models import Case, Value, When

    return Case(
        When(**{f"{filled_field}__gte": F(total_field)}, then=Value(ListingStatus.FILLED)),
        default=Value(ListingStatus.PARTIALLY_FILLED),
    )


def listings_expire(*, today: datetime.date | None = None) -> int:
    """Orders past their need-by date and capacity past its window expire (idempotent)."""
    today = today or timezone.localdate()
    expired = Order.objects.filter(status__in=[ListingStatus.DRAFT, *MATCHABLE], need_by__lt=today).update(
        status=ListingStatus.EXPIRED, updated_at=timezone.now()
    )
    expired += CapacityOffer.objects.filter(
        status__in=[ListingStatus.DRAFT, *MATCHABLE], available_until__lt=today
    ).update(status=ListingStatus.EXPIRED, updated_at=timezone.now())
    Match.objects.filter(status=Match.Status.PROPOSED).filter(order__status=ListingStatus.EXPIRED).update(
        status=Match.Status.EXPIRED
    )
    Match.objects.filter(status=Match.Status.PROPOSED, capacity__status=ListingStatus.EXPIRED).update(
        status=Match.Status.EXPIRED
    )
    if expired:
        generations.changed(ALL_MARKETS)
    return expired
