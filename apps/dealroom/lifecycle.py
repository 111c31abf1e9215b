"""Who takes part in a deal room, and the checks beside it (raising ``NotFoundError``)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.marketplace.models import Deal

from .models import Offer, RequestForQuotation

# --- conversation ---------------------------------------------------------------------------

#: how a participant takes part in a match's conversation
DEMAND, SUPPLY, ADMIN, STAFF = "demand", "supply", "administrator", "staff"


def participants_may_include_admins(match) -> bool:
    """True while the match's deal is disputed: then the cluster's administrators join its
    conversation (they read it and write in it, their messages marked as theirs)."""
    return Deal.objects.filter(match_id=match.pk, status=Deal.Status.DISPUTED).exists()


def part_in_conversation(*, match, enterprise_ids, is_member: bool, is_administrator: bool, is_staff: bool) -> str:
    """How the caller takes part in ``match``'s conversation: a side (the people of the two
    enterprises, while a member of the cluster), an administrator during a dispute, or platform
    staff. Anyone else is not told the conversation exists (404): a member of the same cluster,
    and anyone of another cluster, alike."""
    if is_member and match.demand_owner_id in enterprise_ids:
        return DEMAND
    if is_member and match.supply_owner_id in enterprise_ids:
        return SUPPLY
    if is_administrator and participants_may_include_admins(match):
        return ADMIN
    if is_staff:
        return STAFF
    raise NotFoundError()


def check_message_body(body: str, *, max_length: int) -> str:
    """The body as kept (surrounding blank space dropped): not empty, at most ``max_length``."""
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a message first."), field="body")
    if len(body) > max_length:
        raise DomainError(
            _("A message is at most %(max)d characters (this one has %(length)d).")
            % {"max": max_length, "length": len(body)},
            field="body",
        )
    return body


# --- offers and requests for quotation ---------------------------------------------------------


def other_side(side: str) -> str:
    return "supply" if side == "demand" else "demand"


def offer_is_live(offer: Offer, now=None) -> bool:
    """Open and not yet past its time (housekeeping marks it expired shortly)."""
    return offer.status == Offer.Status.OPEN and offer.expires_at > (now or timezone.now())


def can_answer_offer(offer: Offer, side: str | None) -> bool:
    """``side`` may accept, decline or counter ``offer``: it is live and the other side made it."""
    return side is not None and side != offer.side and offer_is_live(offer)


def check_answer_offer(offer: Offer, side: str) -> None:
    if offer.status != Offer.Status.OPEN:
        raise ConflictError(
            _("This offer is %(status)s and can no longer be answered.")
            % {"status": offer.get_status_display().lower()},
            code="illegal_transition",
            field="offer",
        )
    if not offer_is_live(offer):
        raise ConflictError(_("This offer has expired."), code="expired", field="offer")
    if side == offer.side:
        raise PermissionDeniedError(_("The other side answers an offer, not the side that made it."))


def rfq_open_for_quotes(rfq: RequestForQuotation, now=None) -> bool:
    return rfq.status == RequestForQuotation.Status.OPEN and rfq.deadline > (now or timezone.now())


def check_quote(rfq: RequestForQuotation) -> None:
    if rfq.status != RequestForQuotation.Status.OPEN:
        raise ConflictError(_("This request for quotation is closed."), code="illegal_transition", field="rfq")
    if rfq.deadline <= timezone.now():
        raise ConflictError(_("The deadline for quotes has passed."), code="deadline_passed", field="deadline")


def check_award(rfq: RequestForQuotation) -> None:
    if rfq.status != RequestForQuotation.Status.OPEN:
        raise ConflictError(
            _("This request for quotation is already %(status)s.") % {"status": rfq.get_status_display().lower()},
            code="illegal_transition",
        )
