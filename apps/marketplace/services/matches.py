"""Answering proposed matches; when both sides accept, the deal and the reservation happen atomically."""

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import outbox
from apps.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from apps.membership.models import EnterpriseMember

from .. import notices
from ..lifecycle import next_milestone_due, plan_milestones
from ..models import (
    MATCHABLE,
    CapacityOffer,
    ChannelOffer,
    ChannelRequest,
    Deal,
    DealEvent,
    Match,
    MatchKind,
    Order,
)
from .listings import filled_status, market_changed


def side_of(*, user, match: Match) -> str:
    """'demand' or 'supply': which side of the match the user acts for (403 if neither)."""
    enterprises = set(
        EnterpriseMember.objects.filter(
            user=user, enterprise_id__in=[match.demand_owner_id, match.supply_owner_id]
        ).values_list("enterprise_id", flat=True)
    )
    if match.demand_owner_id in enterprises:
        return "demand"
    if match.supply_owner_id in enterprises:
        return "supply"
    raise PermissionDeniedError(_("Only the two sides of a match may answer it."))


def _locked_match(cluster, match_id: int) -> Match:
    match = (
        Match.objects.select_for_update(of=("self",))
        .filter(Q(cluster=cluster) | Q(partner_cluster=cluster), pk=match_id)
        .first()
    )
    if match is None:
        raise NotFoundError()
    return match


def _require_open(match: Match) -> None:
    if match.status != Match.Status.PROPOSED:
        raise ConflictError(
            _("This match is %(status)s and can no longer be answered.")
            % {"status": match.get_status_display().lower()},
            code="illegal_transition",
        )
    if match.expires_at <= timezone.now():  # housekeeping marks it expired shortly
        raise ConflictError(_("This proposal has expired."), code="expired")


def _reserve(match: Match) -> None:
    """Take the quantity from the supply and add it to the demand, or refuse (409).

    Conditional UPDATEs: the row changes only if the quantity is still there, so concurrent
    acceptances can never oversell; the CheckConstraints are the last line of defence.
    """
    q = match.quantity
    now = timezone.now()
    if match.kind == MatchKind.PRODUCTION:
        supply_model, supply_id, used, total = CapacityOffer, match.capacity_id, "reserved_quantity", "total_quantity"
        demand_model, demand_id, filled, wanted = Order, match.order_id, "filled_quantity", "quantity"
    else:
        supply_model, supply_id, used, total = ChannelOffer, match.channel_offer_id, "reserved_volume", "monthly_volume"
        demand_model, demand_id, filled, wanted = (
            ChannelRequest,
            match.channel_request_id,
            "filled_volume",
            "monthly_volume",
        )
    taken = supply_model.objects.filter(pk=supply_id, status__in=MATCHABLE, **{f"{used}__lte": F(total) - q}).update(
        **{used: F(used) + q, "updated_at": now}
    )
    if not taken:
        raise ConflictError(_("The supplier no longer has this quantity available."), code="insufficient_supply")
    placed = demand_model.objects.filter(
        pk=demand_id, status__in=MATCHABLE, **{f"{filled}__lte": F(wanted) - q}
    ).update(**{filled: F(filled) + q, "updated_at": now})
    if not placed:
        raise ConflictError(_("The order no longer needs this quantity."), code="demand_filled")
    supply_model.objects.filter(pk=supply_id).update(status=filled_status(supply_model, used, total))
    demand_model.objects.filter(pk=demand_id).update(status=filled_status(demand_model, filled, wanted))
    market_changed(match.cluster_id, supply_model, demand_model)
    if match.partner_cluster_id:  # a cross-cluster match: the partner's market changed too
        market_changed(match.partner_cluster_id, supply_model, demand_model)


def _create_deal(match: Match, actor, side: str, *, terms: dict | None = None) -> Deal:
    """The deal of ``match``: on the listings' terms, or on ``terms`` both sides negotiated
    (``unit_price``, ``due_date`` override them; the rest is kept in ``Deal.terms``)."""
    terms = dict(terms or {})
    if match.kind == MatchKind.PRODUCTION:
        order = Order.objects.get(pk=match.order_id)
        capacity = CapacityOffer.objects.get(pk=match.capacity_id)
        unit_price, currency, due = capacity.unit_price, capacity.currency, order.need_by
        start = max(timezone.localdate(), capacity.available_from)
        planned = plan_milestones(start=start, lead_time_days=capacity.lead_time_days, due_date=due)
    else:
        request = ChannelRequest.objects.get(pk=match.channel_request_id)
        offer = ChannelOffer.objects.get(pk=match.channel_offer_id)
        unit_price, currency, due = offer.fixed_fee, offer.currency, request.start_by
        planned = {Deal.Status.DELIVERED.value: due.isoformat()}
    if terms:
        unit_price, due = terms.pop("unit_price", unit_price), terms.pop("due_date", None) or due
        if match.kind == MatchKind.PRODUCTION:
            planned = plan_milestones(start=start, lead_time_days=capacity.lead_time_days, due_date=max(due, start))
        else:
            planned = {Deal.Status.DELIVERED.value: due.isoformat()}
    deal = Deal.objects.create(
        cluster_id=match.cluster_id,
        partner_cluster_id=match.partner_cluster_id,
        partnership_id=match.partnership_id,
        match=match,
        kind=match.kind,
        buyer_id=match.demand_owner_id,
        supplier_id=match.supply_owner_id,
        quantity=match.quantity,
        unit_price=unit_price,
        currency=currency,
        due_date=due,
        planned=planned,
        terms={k: str(v) if not isinstance(v, int | str) else v for k, v in terms.items()},
    )
    Deal.objects.filter(pk=deal.pk).update(next_milestone_due=next_milestone_due(deal))
    DealEvent.objects.create(
        deal=deal,
        status=Deal.Status.CONFIRMED,
        actor=actor,
        side="buyer" if side == "demand" else "supplier",
        code="terms_accepted" if terms else "match_accepted",
    )
    notices.deal_event(deal=deal, kind="marketplace.deal_created", actor=actor)
    return deal


def _cancel_replaced_deal(match: Match, actor) -> None:
    """A replacement for a late deal was accepted: that deal is cancelled and its quantity freed."""
    from .deals import cancel_for_replacement

    cancel_for_replacement(deal_id=match.replaces_deal_id, actor=actor, replacement=match)


@transaction.atomic
def match_accept(*, actor, cluster, match_id: int) -> Match:
    """One side accepts; the second acceptance creates the deal and reserves the quantity."""
    match = _locked_match(cluster, match_id)
    side = side_of(user=actor, match=match)
    _require_open(match)
    now = timezone.now()
    field = "demand_accepted_at" if side == "demand" else "supply_accepted_at"
    already = getattr(match, field) is not None  # a repeated acceptance tells no one again
    if not already:
        setattr(match, field, now)
    if match.demand_accepted_at and match.supply_accepted_at:
        if match.replaces_deal_id:
            _cancel_replaced_deal(match, actor)
        _reserve(match)
        match.status = Match.Status.ACCEPTED
        try:
            with transaction.atomic():
                _create_deal(match, actor, side)
        except IntegrityError:  # a deal for this match exists already: never two
            raise ConflictError(_("This match already became a deal."), code="already_accepted") from None
    elif not already:  # the first acceptance: the other side's answer is awaited
        notices.match_answered(match=match, actor=actor, side=side, accepted=True)
    match.save(update_fields=["demand_accepted_at", "supply_accepted_at", "status", "updated_at"])
    return match


@transaction.atomic
def match_accept_terms(*, actor, cluster, match_id: int, terms: dict) -> Match:
    """Both sides agreed on negotiated terms (an accepted offer, an awarded quote): the match is
    accepted by both at once and becomes a deal on those terms, the negotiated ``quantity``
    reserved. The same guarantees as ``match_accept``: the match row is locked, the quantity is
    taken by conditional UPDATEs (never oversold) and the OneToOne keeps one deal per match.

    ``terms``: ``quantity``, ``unit_price``, ``due_date`` and anything else the deal records
    (``payment_terms``, ``lot_size``, ``offer``)."""
    match = _locked_match(cluster, match_id)
    side = side_of(user=actor, match=match)
    _require_open(match)
    now = timezone.now()
    match.demand_accepted_at = match.demand_accepted_at or now
    match.supply_accepted_at = match.supply_accepted_at or now
    match.quantity = int(terms.get("quantity") or match.quantity)
    if match.replaces_deal_id:
        _cancel_replaced_deal(match, actor)
    _reserve(match)
    match.status = Match.Status.ACCEPTED
    match.negotiating_since = None
    try:
        with transaction.atomic():
            _create_deal(match, actor, side, terms={k: v for k, v in terms.items() if k != "quantity"})
    except IntegrityError:  # a deal for this match exists already: never two
        raise ConflictError(_("This match already became a deal."), code="already_accepted") from None
    match.save(
        update_fields=[
            "demand_accepted_at",
            "supply_accepted_at",
            "quantity",
            "status",
            "negotiating_since",
            "updated_at",
        ]
    )
    return match


@transaction.atomic
def match_decline(*, actor, cluster, match_id: int, reason: str = "") -> Match:
    match = _locked_match(cluster, match_id)
    side = side_of(user=actor, match=match)
    _require_open(match)
    match.status = Match.Status.DECLINED
    match.declined_by_id = match.demand_owner_id if side == "demand" else match.supply_owner_id
    match.decline_reason = reason[:500]
    match.save(update_fields=["status", "declined_by", "decline_reason", "updated_at"])
    notices.match_answered(match=match, actor=actor, side=side, accepted=False)
    demand_kind = "order" if match.kind == MatchKind.PRODUCTION else "channel_request"
    outbox.enqueue("matching.replan_demands", demand_kind, [match.order_id or match.channel_request_id])
    return match


def matches_expire(*, now=None) -> int:
    """Proposals past their expiry become expired (idempotent, one UPDATE)."""
    now = now or timezone.now()
    return Match.objects.filter(status=Match.Status.PROPOSED, expires_at__lte=now).update(
        status=Match.Status.EXPIRED, updated_at=now
    )
