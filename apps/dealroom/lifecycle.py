"""The deal room's states as data, and the checks beside them (as ``marketplace/lifecycle.py``).

Offers and quotes (one section per concern; the others keep theirs)::

    open ──accept──▶ accepted (a deal on its terms)
      ├──decline──▶ declined
      ├──counter──▶ countered (a new open offer answers it, made by the other side)
      ├──(past its time)──▶ expired
      └──(the match ended, the RFQ awarded without it)──▶ closed

Only one offer is open on a match at a time; only the side that did not make an offer may
answer it. A request for quotation is open until the buyer awards it (or cancels it).
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, PermissionDeniedError

from .models import Offer, RequestForQuotation

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
