"""Who takes part in a deal room, and the checks beside it (raising ``NotFoundError``)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.marketplace.models import Deal
from apps.tenancy.rules import rule_value

from .models import Dispute, Document, DocumentKind, Offer, RequestForQuotation

# --- conversation ---------------------------------------------------------------------------

#: how a participant takes part in a match's conversation
DEMAND, SUPPLY, ADMIN, STAFF = "demand", "supply", "administrator", "staff"


def participants_may_include_admins(match) -> bool:
    """True while the match's deal is disputed: then the cluster's administrators join its
    conversation (they read it and write in it, their messages marked as theirs)."""
    deal = Deal.objects.filter(match_id=getattr(match, "pk", match)).values_list("pk", "status").first()
    if deal is None:
        return False
    return deal[1] == Deal.Status.DISPUTED or has_open_dispute(deal_id=deal[0])


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


def can_withdraw_offer(offer: Offer, side: str | None) -> bool:
    """``side`` may withdraw ``offer``: it made it, and the offer is still live."""
    return side is not None and side == offer.side and offer_is_live(offer)


def check_withdraw_offer(offer: Offer, side: str) -> None:
    if side != offer.side:
        raise PermissionDeniedError(_("Only the side that made an offer withdraws it."))
    if offer.status != Offer.Status.OPEN:
        raise ConflictError(
            _("This offer is %(status)s and can no longer be withdrawn.")
            % {"status": offer.get_status_display().lower()},
            code="illegal_transition",
            field="offer",
        )
    if not offer_is_live(offer):
        raise ConflictError(_("This offer has expired."), code="expired", field="offer")


def rfq_open_for_quotes(rfq: RequestForQuotation, now=None) -> bool:
    return rfq.status == RequestForQuotation.Status.OPEN and rfq.deadline > (now or timezone.now())


def check_quote(rfq: RequestForQuotation) -> None:
    if rfq.status != RequestForQuotation.Status.OPEN:
        raise ConflictError(_("This request for quotation is closed."), code="illegal_transition", field="rfq")
    if rfq.deadline <= timezone.now():
        raise ConflictError(_("The deadline for quotes has passed."), code="deadline_passed", field="deadline")


def check_rfq_documents(rfq: RequestForQuotation, *, buyer: bool) -> None:
    """The buyer adds documents to its request while it is open; a supplier while quotes are taken."""
    if buyer:
        if rfq.status != RequestForQuotation.Status.OPEN:
            raise ConflictError(_("This request for quotation is closed."), code="illegal_transition", field="rfq")
    else:
        check_quote(rfq)


def can_revise_quote(rfq: RequestForQuotation, quote: Offer, *, cluster) -> bool:
    """The supplier may still revise ``quote``: open, before the deadline, revisions left."""
    if not (rfq_open_for_quotes(rfq) and quote.status == Offer.Status.OPEN):
        return False
    return len(getattr(quote, "revisions", ())) < rule_value(cluster=cluster, key="dealroom.quote_max_revisions")


def check_cancel(rfq: RequestForQuotation) -> None:
    if rfq.status != RequestForQuotation.Status.OPEN:
        raise ConflictError(
            _("This request for quotation is already %(status)s.") % {"status": rfq.get_status_display().lower()},
            code="illegal_transition",
            field="rfq",
        )


def check_award(rfq: RequestForQuotation) -> None:
    if rfq.status != RequestForQuotation.Status.OPEN:
        raise ConflictError(
            _("This request for quotation is already %(status)s.") % {"status": rfq.get_status_display().lower()},
            code="illegal_transition",
        )


# --- documents and disputes ---

#: a dispute's reason is at least this long
REASON_MIN = 10
#: deal statuses a document may be given as the evidence of
EVIDENCE_MILESTONES = (
    Deal.Status.IN_PRODUCTION,
    Deal.Status.QUALITY_CHECKED,
    Deal.Status.SHIPPED,
    Deal.Status.DELIVERED,
)
#: the same, as choices (the upload's ``milestone``)
EVIDENCE_MILESTONE_CHOICES = [(milestone.value, milestone.label) for milestone in EVIDENCE_MILESTONES]


def required_evidence(*, cluster, milestone: str) -> str | None:
    """The document kind the rulebook asks for before ``milestone`` (None: nothing)."""
    from .rules import NO_EVIDENCE, evidence_key

    if milestone not in EVIDENCE_MILESTONES:
        return None
    kind = rule_value(cluster=cluster, key=evidence_key(milestone))
    return None if kind == NO_EVIDENCE else kind


def check_evidence(*, deal, to: str, documents=()) -> None:
    """Called for each milestone (``services.disputes.milestone_hook``): the documents given (ids of this deal's room)
    become the milestone's evidence; then one of the required kind must be there."""
    given = set(documents)
    if given:
        found = Document.objects.filter(cluster_id=deal.cluster_id, match_id=deal.match_id, pk__in=given)
        if found.count() != len(given):
            raise DomainError(_("Give documents of this deal's room."), field="documents", code="unknown_document")
        found.update(deal=deal, milestone=to)
    kind = required_evidence(cluster=deal.cluster_id, milestone=to)
    if kind is None:
        return
    if not Document.objects.filter(match_id=deal.match_id, kind=kind, milestone=to).exists():
        raise DomainError(
            _("Upload the %(kind)s for “%(milestone)s” to the deal first.")
            % {"kind": DocumentKind(kind).label.lower(), "milestone": Deal.Status(to).label.lower()},
            field="documents",
            code="evidence_required",
        )


def has_open_dispute(*, deal_id: int | None) -> bool:
    return deal_id is not None and Dispute.objects.filter(deal_id=deal_id, status=Dispute.Status.OPEN).exists()


def can_open_dispute(deal, side: str | None) -> bool:
    from apps.marketplace import lifecycle as market

    return side is not None and market.can_reach(deal.status, Deal.Status.DISPUTED)
