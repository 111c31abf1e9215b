"""Negotiation before acceptance: offers on a proposed match, answered by accept, decline or counter.

Every write locks the match row first (as the marketplace's answers do), then the offer, so an
offer accepted while the match is accepted as proposed, or one offer accepted twice at once,
makes one deal: whoever comes second finds the match no longer proposed (409). Accepting hands
the negotiated terms to ``marketplace.services.matches.match_accept_terms``, which reserves the
negotiated quantity by conditional UPDATEs (never oversold) under the one-deal-per-match key.
"""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, NotFoundError
from apps.marketplace.models import Match, MatchKind
from apps.marketplace.services.matches import match_accept_terms, side_of
from apps.tenancy.rules import rules_in_force

from .. import notices
from ..lifecycle import check_answer_offer, check_withdraw_offer, other_side
from ..models import Offer
from ..rules import PAYMENT_TERMS
from . import documents

#: the terms an offer carries
TERM_FIELDS = ("quantity", "unit_price", "delivery_date", "lot_size", "payment_terms")
PRICE_MAX = Decimal("9999999999.99")


def allowed_payment_terms(cluster) -> list[str]:
    """The payment terms the cluster's rulebook allows now, in their fixed order."""
    rules = rules_in_force(cluster)
    return [code for code in PAYMENT_TERMS if rules.get(f"dealroom.payment_terms.{code}", True)]


def offer_valid_until(cluster, start=None) -> datetime.datetime:
    hours = rules_in_force(cluster)["dealroom.offer_valid_hours"]
    return (start or timezone.now()) + datetime.timedelta(hours=hours)


def clean_terms(cluster, terms: dict, *, most: int, whole: int | None = None) -> dict:
    """The terms checked against the rules, or a 400 naming the field. ``most``: the largest
    quantity possible; ``whole``: the only quantity allowed (an order that may not be split)."""
    quantity, price = terms.get("quantity"), terms.get("unit_price")
    if not isinstance(quantity, int) or quantity < 1:
        raise DomainError(_("Enter a quantity of at least 1."), field="quantity")
    if whole is not None and quantity != whole:
        raise DomainError(
            _("This order may not be split: the quantity must be %(whole)d.") % {"whole": whole}, field="quantity"
        )
    if quantity > most:
        raise DomainError(_("At most %(most)d is available on both sides.") % {"most": most}, field="quantity")
    if price is None or Decimal(price) <= 0 or Decimal(price) > PRICE_MAX:
        raise DomainError(_("Enter a unit price above zero."), field="unit_price")
    delivery = terms.get("delivery_date")
    if delivery is None or delivery < timezone.localdate():
        raise DomainError(_("The delivery date cannot be in the past."), field="delivery_date")
    lot = terms.get("lot_size") or 1
    if lot < 1 or lot > quantity:
        raise DomainError(_("The lot size must be between 1 and the quantity."), field="lot_size")
    payment = terms.get("payment_terms")
    allowed = allowed_payment_terms(cluster)
    if payment not in allowed:
        raise DomainError(
            _("Choose payment terms the rulebook allows: %(allowed)s.") % {"allowed": ", ".join(allowed)},
            field="payment_terms",
        )
    return {
        "quantity": quantity,
        "unit_price": Decimal(price),
        "delivery_date": delivery,
        "lot_size": lot,
        "payment_terms": payment,
    }


def match_terms(match: Match) -> dict:
    """The terms of the match as proposed: the starting point of an offer (and the page's defaults)."""
    if match.kind == MatchKind.PRODUCTION:
        price, date, lot = match.capacity.unit_price, match.order.need_by, match.order.min_lot
    else:
        price, date, lot = match.channel_offer.fixed_fee, match.channel_request.start_by, 1
    return {
        "quantity": match.quantity,
        "unit_price": price,
        "delivery_date": date,
        "lot_size": min(lot, match.quantity),
    }


def _room(match: Match) -> tuple[int, int | None]:
    """(the most quantity both listings still have, the whole quantity when the order may not be split)."""
    if match.kind == MatchKind.PRODUCTION:
        order, capacity = match.order, match.capacity
        need = order.quantity - order.filled_quantity
        return min(need, capacity.total_quantity - capacity.reserved_quantity), None if order.splittable else need
    request, offer = match.channel_request, match.channel_offer
    return min(request.monthly_volume - request.filled_volume, offer.monthly_volume - offer.reserved_volume), None


def _locked(cluster, match_id: int) -> Match:
    match = (
        Match.objects.select_for_update(of=("self",))
        .select_related("order", "capacity", "channel_request", "channel_offer", "demand_owner", "supply_owner")
        .filter(cluster=cluster, pk=match_id)
        .first()
    )
    if match is None:
        raise NotFoundError()
    return match


def _require_negotiable(match: Match) -> None:
    if match.status != Match.Status.PROPOSED:
        raise ConflictError(_("This match is no longer open to negotiation."), code="illegal_transition")
    if match.expires_at <= timezone.now():
        raise ConflictError(_("This proposal has expired."), code="expired")


def _locked_offer(match: Match, offer_id: int) -> Offer:
    offer = Offer.objects.select_for_update().filter(cluster_id=match.cluster_id, match=match, pk=offer_id).first()
    if offer is None:
        raise NotFoundError()
    return offer


def _open(match: Match, *, actor, side: str, terms: dict, note: str, answers: Offer | None) -> Offer:
    most, whole = _room(match)
    cleaned = clean_terms(match.cluster, terms, most=most, whole=whole)
    now = timezone.now()
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                cluster_id=match.cluster_id,
                match=match,
                answers=answers,
                side=side,
                enterprise_id=match.demand_owner_id if side == "demand" else match.supply_owner_id,
                author=actor,
                note=note[:2000],
                expires_at=offer_valid_until(match.cluster, now),
                **cleaned,
            )
    except IntegrityError:  # another offer was opened meanwhile (one open offer per match)
        raise ConflictError(_("An offer is already open on this match."), code="offer_open") from None
    match.negotiating_since = match.negotiating_since or now
    match.expires_at = max(match.expires_at, offer.expires_at)  # not expired away mid-negotiation
    match.save(update_fields=["negotiating_since", "expires_at", "updated_at"])
    return offer


def _attach(*, offer: Offer, match: Match, actor, cluster, checked) -> None:
    """The offer's document, stored last: a store that fails rolls the offer back with it."""
    if checked is not None:
        documents.document_keep(checked=checked, actor=actor, cluster=cluster, match=match, offer=offer)


@transaction.atomic
def offer_make(*, actor, cluster, match_id: int, terms: dict, note: str = "", kind: str = "", file=None) -> Offer:
    """One side proposes terms that differ from the match; the other side answers. With ``file``
    (of ``kind``) the offer carries a document: one write, the file refused -> no offer."""
    match = _locked(cluster, match_id)
    side = side_of(user=actor, match=match)
    _require_negotiable(match)
    checked = documents.check_attached(cluster=cluster, kind=kind, file=file)
    now = timezone.now()
    Offer.objects.filter(match=match, status=Offer.Status.OPEN, expires_at__lte=now).update(status=Offer.Status.EXPIRED)
    if Offer.objects.filter(match=match, status=Offer.Status.OPEN).exists():
        raise ConflictError(
            _("An offer is already open on this match: answer it or wait for the answer."), code="offer_open"
        )
    offer = _open(match, actor=actor, side=side, terms=terms, note=note, answers=None)
    _attach(offer=offer, match=match, actor=actor, cluster=cluster, checked=checked)
    other = match.supply_owner_id if side == "demand" else match.demand_owner_id
    notices.offer_event(offer=offer, match=match, kind="dealroom.offer_made", actor=actor, to_enterprise_id=other)
    return offer


def _answered(offer: Offer, status: str, actor) -> None:
    """The offer leaves "open" by a conditional UPDATE: an answer or a withdrawal that got there
    first stands, and this one is refused (409, its transaction rolled back)."""
    now = timezone.now()
    if not Offer.objects.filter(pk=offer.pk, status=Offer.Status.OPEN).update(
        status=status, answered_at=now, answered_by=actor
    ):
        raise ConflictError(_("This offer was answered meanwhile."), code="illegal_transition", field="offer")
    offer.status, offer.answered_at, offer.answered_by = status, now, actor


@transaction.atomic
def offer_counter(
    *, actor, cluster, match_id: int, offer_id: int, terms: dict, note: str = "", kind: str = "", file=None
) -> Offer:
    """The other side answers with terms of its own: the offer is superseded, the counter answers
    it (carrying a document when ``file`` is given, as ``offer_make``)."""
    match = _locked(cluster, match_id)
    side = side_of(user=actor, match=match)
    offer = _locked_offer(match, offer_id)
    check_answer_offer(offer, side)
    _require_negotiable(match)
    checked = documents.check_attached(cluster=cluster, kind=kind, file=file)
    _answered(offer, Offer.Status.COUNTERED, actor)
    counter = _open(match, actor=actor, side=side, terms=terms, note=note, answers=offer)
    _attach(offer=counter, match=match, actor=actor, cluster=cluster, checked=checked)
    notices.offer_event(
        offer=counter, match=match, kind="dealroom.offer_countered", actor=actor, to_enterprise_id=offer.enterprise_id
    )
    return counter


@transaction.atomic
def offer_decline(*, actor, cluster, match_id: int, offer_id: int) -> Offer:
    match = _locked(cluster, match_id)
    side = side_of(user=actor, match=match)
    offer = _locked_offer(match, offer_id)
    check_answer_offer(offer, side)
    _answered(offer, Offer.Status.DECLINED, actor)
    Match.objects.filter(pk=match.pk).update(negotiating_since=None, updated_at=timezone.now())
    notices.offer_event(
        offer=offer, match=match, kind="dealroom.offer_declined", actor=actor, to_enterprise_id=offer.enterprise_id
    )
    return offer


@transaction.atomic
def offer_accept(*, actor, cluster, match_id: int, offer_id: int) -> Offer:
    """The other side accepts: the deal on the offer's terms, the offer's quantity reserved."""
    match = _locked(cluster, match_id)
    side = side_of(user=actor, match=match)
    offer = _locked_offer(match, offer_id)
    check_answer_offer(offer, side)
    assert side == other_side(offer.side)
    accepted = match_accept_terms(
        actor=actor,
        cluster=cluster,
        match_id=match.pk,
        terms={
            "quantity": offer.quantity,
            "unit_price": offer.unit_price,
            "due_date": offer.delivery_date,
            "payment_terms": offer.payment_terms,
            "lot_size": offer.lot_size,
            "offer": offer.pk,
        },
    )
    _answered(offer, Offer.Status.ACCEPTED, actor)
    offer.deal = accepted.deal
    offer.save(update_fields=["deal"])
    notices.offer_event(
        offer=offer, match=match, kind="dealroom.offer_accepted", actor=actor, to_enterprise_id=offer.enterprise_id
    )
    return offer


@transaction.atomic
def offer_withdraw(*, actor, cluster, match_id: int, offer_id: int) -> Offer:
    """The side that made an open offer takes it back (kept in the history as withdrawn); the
    other side hears of it. Racing an acceptance, exactly one wins: both lock the match row, and
    the offer leaves "open" by a conditional UPDATE, so whoever comes second finds it answered (409)."""
    match = _locked(cluster, match_id)
    side = side_of(user=actor, match=match)
    offer = _locked_offer(match, offer_id)
    check_withdraw_offer(offer, side)
    _answered(offer, Offer.Status.WITHDRAWN, actor)
    Match.objects.filter(pk=match.pk).update(negotiating_since=None, updated_at=timezone.now())
    other = match.supply_owner_id if offer.side == "demand" else match.demand_owner_id
    notices.offer_event(offer=offer, match=match, kind="dealroom.offer_withdrawn", actor=actor, to_enterprise_id=other)
    return offer


def offers_expire(*, now=None) -> dict[str, int]:
    """Housekeeping (idempotent): open offers past their time expire; open offers on a match that
    is no longer proposed are closed; a match with no open offer is no longer negotiating."""
    now = now or timezone.now()
    expired = Offer.objects.filter(status=Offer.Status.OPEN, expires_at__lte=now).update(status=Offer.Status.EXPIRED)
    closed = (
        Offer.objects.filter(status=Offer.Status.OPEN, match__isnull=False)
        .exclude(match__status=Match.Status.PROPOSED)
        .update(status=Offer.Status.CLOSED)
    )
    open_matches = Offer.objects.filter(status=Offer.Status.OPEN, match__isnull=False).values("match_id")
    settled = (
        Match.objects.filter(negotiating_since__isnull=False)
        .exclude(pk__in=open_matches)
        .update(negotiating_since=None, updated_at=now)
    )
    return {"offers_expired": expired, "offers_closed": closed, "negotiations_settled": settled}
