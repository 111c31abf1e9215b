"""Carrying a deal to delivery: milestones by the side entitled to each, ratings, reputation."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.membership.models import EnterpriseMember
from apps.tenancy.rules import rule_value

from .. import lifecycle, notices
from ..lifecycle import MILESTONES, REASON_REQUIRED, next_milestone_due
from ..models import (
    CapacityOffer,
    ChannelOffer,
    ChannelRequest,
    Deal,
    DealEvent,
    ListingStatus,
    MatchKind,
    Order,
    Rating,
    Reputation,
)
from .listings import market_changed

S = Deal.Status


def deal_side(*, user, deal: Deal) -> str:
    enterprises = set(
        EnterpriseMember.objects.filter(user=user, enterprise_id__in=[deal.buyer_id, deal.supplier_id]).values_list(
            "enterprise_id", flat=True
        )
    )
    if deal.buyer_id in enterprises:
        return "buyer"
    if deal.supplier_id in enterprises:
        return "supplier"
    raise PermissionDeniedError(_("Only the buyer and the supplier may act on this deal."))


def _release(deal: Deal, quantity: int | None = None) -> None:
    """A cancelled deal gives its quantity (or ``quantity`` of it) back to the supply and the demand."""
    q, now = deal.quantity if quantity is None else quantity, timezone.now()
    match = deal.match
    if deal.kind == MatchKind.PRODUCTION:
        CapacityOffer.objects.filter(pk=match.capacity_id).update(
            reserved_quantity=F("reserved_quantity") - q, updated_at=now
        )
        Order.objects.filter(pk=match.order_id).update(filled_quantity=F("filled_quantity") - q, updated_at=now)
        pairs = ((CapacityOffer, match.capacity_id, "reserved_quantity"), (Order, match.order_id, "filled_quantity"))
    else:
        ChannelOffer.objects.filter(pk=match.channel_offer_id).update(
            reserved_volume=F("reserved_volume") - q, updated_at=now
        )
        ChannelRequest.objects.filter(pk=match.channel_request_id).update(
            filled_volume=F("filled_volume") - q, updated_at=now
        )
        pairs = (
            (ChannelOffer, match.channel_offer_id, "reserved_volume"),
            (ChannelRequest, match.channel_request_id, "filled_volume"),
        )
    for model, pk, used in pairs:
        model.objects.filter(pk=pk, status__in=[ListingStatus.FILLED, ListingStatus.PARTIALLY_FILLED]).update(
            status=ListingStatus.OPEN
        )
        model.objects.filter(pk=pk, status=ListingStatus.OPEN, **{f"{used}__gt": 0}).update(
            status=ListingStatus.PARTIALLY_FILLED
        )
    market_changed(deal.cluster_id, *(model for model, _pk, _used in pairs))


@transaction.atomic
def deal_advance(*, actor, cluster, deal_id: int, to: str, note: str = "", attachments=None, documents=()) -> Deal:
    deal = (
        Deal.objects.select_for_update(of=("self",))
        .select_related("match", "cluster", "buyer", "supplier")
        .filter(Q(cluster=cluster) | Q(partner_cluster=cluster), pk=deal_id)
        .first()
    )
    if deal is None:
        raise NotFoundError()
    side = deal_side(user=actor, deal=deal)
    if to not in MILESTONES:
        raise DomainError(_("Unknown milestone."), field="status")
    if not lifecycle.can_reach(deal.status, to):
        raise ConflictError(
            _("A deal that is %(status)s cannot move to %(target)s.")
            % {"status": deal.get_status_display().lower(), "target": S(to).label.lower()},
            code="illegal_transition",
        )
    if not lifecycle.entitled(to, side):
        raise PermissionDeniedError(
            _("Only the %(side)s marks a deal %(target)s.")
            % {"side": _(MILESTONES[to][1]), "target": S(to).label.lower()}
        )
    if to in REASON_REQUIRED and not note.strip():
        raise DomainError(_("Give a reason."), field="note", code="required")
    lifecycle.check_evidence(deal=deal, to=to, documents=documents, actor=actor, note=note)
    now = timezone.now()
    deal.status = to
    fields = ["status", "updated_at"]
    if to == S.DELIVERED:
        deal.delivered_at = now
        fields.append("delivered_at")
    if to in (S.CLOSED, S.CANCELLED):
        deal.closed_at = now
        fields.append("closed_at")
    if to in REASON_REQUIRED:
        deal.reason = note
        fields.append("reason")
    deal.next_milestone_due = next_milestone_due(deal)
    fields.append("next_milestone_due")
    deal.save(update_fields=fields)
    DealEvent.objects.create(deal=deal, status=to, actor=actor, side=side, note=note, attachments=attachments or [])
    notices.deal_event(
        deal=deal,
        kind="marketplace.deal_milestone",
        actor=actor,
        status=str(to),
        reason=note if to in REASON_REQUIRED else "",
    )
    if to == S.CANCELLED:
        _release(deal)
    if to in (S.DELIVERED, S.CLOSED):
        reputation_refresh(cluster_id=deal.cluster_id, enterprise_id=deal.supplier_id)
        reputation_refresh(cluster_id=deal.cluster_id, enterprise_id=deal.buyer_id)
    return deal


#: a dispute's outcome -> the system note of the deal's timeline
DISPUTE_NOTES = {"resume": "dispute_resumed", "partial": "dispute_partial", "cancel": "dispute_cancelled"}


def deal_settle_dispute(
    *, actor, cluster, deal_id: int, outcome: str, resume_to: str, note: str, against_id=None, delivered=None
) -> Deal:
    """The administrators' decision on a disputed deal (the deal room's dispute service calls it inside
    its transaction): ``resume`` to ``resume_to``, ``partial`` delivery of ``delivered`` (the rest is
    released to the supply and the demand) or ``cancel`` (all released). ``against_id``: the
    enterprise the decision went against (it counts in its reputation), or None."""
    deal = (
        Deal.objects.select_for_update(of=("self",))
        .select_related("match", "cluster", "buyer", "supplier")
        .filter(cluster=cluster, pk=deal_id)
        .first()
    )
    if deal is None:
        raise NotFoundError()
    if deal.status != S.DISPUTED:
        raise ConflictError(_("Only a disputed deal is decided."), code="not_disputed")
    if outcome not in DISPUTE_NOTES:
        raise DomainError(_("Unknown outcome."), field="outcome")
    now, agreed = timezone.now(), deal.quantity
    params = {"against": against_id}
    if outcome == "resume":
        deal.status = resume_to
    elif outcome == "partial":
        if delivered is None or not (1 <= delivered < deal.quantity):
            raise DomainError(
                _("Give the quantity delivered: at least 1 and less than the %(quantity)d agreed.")
                % {"quantity": deal.quantity},
                field="delivered_quantity",
            )
        _release(deal, quantity=deal.quantity - delivered)
        deal.status, deal.quantity, deal.delivered_at = S.DELIVERED, delivered, now
        params.update(delivered=delivered, agreed=agreed)
    else:
        deal.status, deal.closed_at = S.CANCELLED, now
        _release(deal)
    deal.next_milestone_due = next_milestone_due(deal)
    deal.save(update_fields=["status", "quantity", "delivered_at", "closed_at", "next_milestone_due", "updated_at"])
    DealEvent.objects.create(
        deal=deal, status=deal.status, actor=actor, side="", note=note, code=DISPUTE_NOTES[outcome], params=params
    )
    notices.deal_event(deal=deal, kind="marketplace.deal_milestone", actor=actor, status=str(deal.status))
    for enterprise_id in (deal.supplier_id, deal.buyer_id):
        reputation_refresh(cluster_id=deal.cluster_id, enterprise_id=enterprise_id)
    return deal


def cancel_for_replacement(*, deal_id: int, actor, replacement) -> bool:
    """Cancel a late deal whose buyer and another supplier accepted a replacement (idempotent)."""
    deal = (
        Deal.objects.select_for_update(of=("self",))
        .select_related("match", "cluster", "buyer", "supplier")
        .filter(pk=deal_id)
        .first()
    )
    if deal is None or deal.status not in (S.CONFIRMED, S.IN_PRODUCTION, S.QUALITY_CHECKED):
        return False
    # the reason is the platform's: stored as the timeline's system note, rendered when read
    deal.status, deal.reason, deal.closed_at, deal.next_milestone_due = S.CANCELLED, "", timezone.now(), None
    deal.save(update_fields=["status", "reason", "closed_at", "next_milestone_due", "updated_at"])
    params = {"id": replacement.pk}  # the replacing match
    DealEvent.objects.create(deal=deal, status=S.CANCELLED, actor=actor, side="buyer", code="replaced", params=params)
    notices.deal_event(deal=deal, kind="marketplace.deal_milestone", actor=actor, status=str(S.CANCELLED))
    _release(deal)
    return True


@transaction.atomic
def deal_rate(*, actor, cluster, deal_id: int, quality: int, on_time: int, communication: int, comment: str = ""):
    deal = (
        Deal.objects.select_for_update(of=("self",))
        .select_related("cluster", "buyer", "supplier")
        .filter(Q(cluster=cluster) | Q(partner_cluster=cluster), pk=deal_id)
        .first()
    )
    if deal is None:
        raise NotFoundError()
    side = deal_side(user=actor, deal=deal)
    if deal.status not in lifecycle.RATABLE:
        raise ConflictError(_("Rate a deal once it is delivered."), code="not_delivered")
    rater, ratee = (deal.buyer_id, deal.supplier_id) if side == "buyer" else (deal.supplier_id, deal.buyer_id)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                deal=deal,
                rater_id=rater,
                ratee_id=ratee,
                quality=quality,
                on_time=on_time,
                communication=communication,
                comment=comment,
            )
    except IntegrityError:
        raise ConflictError(_("Your side has already rated this deal."), code="already_rated") from None
    if Rating.objects.filter(deal=deal).count() == 2:
        Rating.objects.filter(deal=deal, published_at__isnull=True).update(published_at=timezone.now())
        for enterprise_id in (deal.buyer_id, deal.supplier_id):
            reputation_refresh(cluster_id=deal.cluster_id, enterprise_id=enterprise_id)
    rating.refresh_from_db()
    notices.rating_received(rating=rating, deal=deal)
    return rating


def ratings_publish_due(*, now=None) -> int:
    """Ratings of deals delivered long enough ago are published even if the other side never rated.

    One UPDATE per cluster that has unpublished ratings, then the affected reputations.
    """
    now = now or timezone.now()
    published = 0
    pending = Rating.objects.filter(published_at__isnull=True, deal__delivered_at__isnull=False)
    for cluster_id in pending.values_list("deal__cluster_id", flat=True).distinct():
        days = rule_value(cluster=cluster_id, key="marketplace.rating_publication_days")
        due = pending.filter(deal__cluster_id=cluster_id, deal__delivered_at__lte=now - datetime.timedelta(days=days))
        ratees = set(due.values_list("ratee_id", flat=True))
        published += Rating.objects.filter(pk__in=due.values("pk")).update(published_at=now)
        for enterprise_id in ratees:
            reputation_refresh(cluster_id=cluster_id, enterprise_id=enterprise_id)
    return published


def reputation_refresh(*, cluster_id: int, enterprise_id: int) -> Reputation:
    """Recompute from deals and published ratings with aggregates (idempotent)."""
    delivered = Deal.objects.filter(
        cluster_id=cluster_id, supplier_id=enterprise_id, status__in=[S.DELIVERED, S.CLOSED]
    ).aggregate(
        completed=Count("pk"),
        on_time=Count("pk", filter=Q(delivered_at__date__lte=F("due_date"))),
    )
    ratings = Rating.objects.filter(
        deal__cluster_id=cluster_id, ratee_id=enterprise_id, published_at__isnull=False
    ).aggregate(n=Count("pk"), avg=Avg((F("quality") + F("on_time") + F("communication")) / 3.0))
    completed = delivered["completed"]
    lost = DealEvent.objects.filter(
        deal__cluster_id=cluster_id, code__in=list(DISPUTE_NOTES.values()), params__against=enterprise_id
    ).count()
    reputation, _created = Reputation.objects.update_or_create(
        cluster_id=cluster_id,
        enterprise_id=enterprise_id,
        defaults={
            "deals_completed": completed,
            "on_time_rate": (delivered["on_time"] / completed) if completed else None,
            "average_score": ratings["avg"],
            "ratings_count": ratings["n"],
            "disputes_lost": lost,
        },
    )
    return reputation
