"""Requests for quotation (the reverse marketplace): a buyer asks chosen suppliers, or the best N
the matching engine finds, to quote for one of its orders; each answers with a quote (an offer);
the buyer awards one or several, splitting the order where it allows.

Each award is a match accepted by both and its deal on the quote's terms, made through the
marketplace's ``match_accept_terms`` (the same reservation guarantees as any acceptance). An
award is all or nothing: one transaction, the order row locked, the total checked against what
the order still needs before anything is written.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.marketplace.models import MATCHABLE, CapacityOffer, Deal, Match, MatchKind, Order
from apps.marketplace.selectors import viewer_enterprise_ids
from apps.marketplace.services.matches import match_accept_terms
from apps.matching import planner
from apps.matching.engine import feasibility, scoring
from apps.matching.rules import matching_rules, rulebook_version
from apps.membership.models import Enterprise
from apps.tenancy.rules import rules_in_force

from .. import notices
from ..lifecycle import check_award, check_cancel, check_quote, check_rfq_documents
from ..models import Document, Offer, RequestForQuotation, RfqInvitation
from . import documents
from .offers import clean_terms, offer_valid_until


def ranked_suppliers(order: Order, *, today=None) -> list[dict]:
    """Every capacity offer of the order's capability in its cluster, scored by the matching engine
    as it scores a proposal (its loader, feasibility and factors), best first; one entry per
    capacity: ``capacity_id``, ``owner``, ``score``, ``breakdown``, ``feasible``."""
    today = today or timezone.localdate()
    demands, supplies = planner.load_inputs(planner.PRODUCTION, order.cluster, today, demand_ids=[order.pk])
    if not demands:
        return []
    [demand] = demands
    rules = matching_rules(cluster=order.cluster, today=today)
    ranked = []
    for supply in supplies:
        if supply.capability != demand.capability or supply.owner == demand.owner:
            continue
        bounds = feasibility.quantity_bounds(demand, supply)
        quantity = bounds[1] if bounds else max(1, min(demand.quantity, supply.quantity))
        score, breakdown = scoring.production_score(demand, supply, rules, quantity)
        ranked.append(
            {
                "capacity_id": supply.id,
                "owner": supply.owner,
                "score": score,
                "breakdown": breakdown,
                "feasible": feasibility.feasible(demand, supply, rules),
            }
        )
    ranked.sort(key=lambda r: (-r["feasible"], -r["score"], r["capacity_id"]))
    return ranked


def _mine(actor, enterprise_id: int) -> None:
    if enterprise_id not in viewer_enterprise_ids(actor):
        raise PermissionDeniedError(_("Only the people of the buying enterprise may do this."))


@transaction.atomic
def rfq_create(
    *, actor, cluster, order_id: int, deadline, suppliers=None, best: int | None = None, message: str = ""
) -> RequestForQuotation:
    """Send an order to chosen suppliers (enterprise ids) or to the ``best`` N the engine ranks."""
    order = Order.objects.select_for_update().filter(cluster=cluster, pk=order_id).select_related("cluster").first()
    if order is None:
        raise DomainError(_("Choose one of your enterprise's orders."), field="order")
    if order.owner_id not in viewer_enterprise_ids(actor):
        raise PermissionDeniedError(_("Only the people of the ordering enterprise ask for quotes on its order."))
    remaining = order.quantity - order.filled_quantity
    if order.status not in MATCHABLE or remaining <= 0 or order.need_by <= timezone.localdate():
        raise DomainError(_("This order is not open for quotes."), field="order")
    if deadline <= timezone.now():
        raise DomainError(_("The deadline must be in the future."), field="deadline")
    if deadline.date() > order.need_by:
        raise DomainError(_("The deadline must come before the order's need-by date."), field="deadline")
    if bool(suppliers) == bool(best):
        raise DomainError(
            _("Choose suppliers, or ask for the best N the engine proposes (not both)."), field="suppliers"
        )
    most = rules_in_force(cluster)["dealroom.rfq_max_suppliers"]
    wanted = len(set(suppliers)) if suppliers else best
    if wanted > most:
        raise DomainError(
            _("At most %(most)d suppliers per request.") % {"most": most}, field="suppliers" if suppliers else "best"
        )
    ranked = ranked_suppliers(order)
    best_of: dict[int, dict] = {}
    for entry in ranked:  # each enterprise's best capacity
        best_of.setdefault(entry["owner"], entry)
    if suppliers:
        missing = [pk for pk in dict.fromkeys(suppliers) if pk not in best_of]
        if missing:
            names = ", ".join(str(e) for e in Enterprise.objects.filter(pk__in=missing)) or ", ".join(map(str, missing))
            raise DomainError(
                _("No open capacity of this capability in the cluster: %(names)s.") % {"names": names},
                field="suppliers",
            )
        chosen = [best_of[pk] for pk in dict.fromkeys(suppliers)]
    else:
        chosen = [entry for entry in best_of.values() if entry["feasible"]][:best]
        if not chosen:
            raise DomainError(_("The engine finds no supplier for this order."), field="best")
    rfq = RequestForQuotation.objects.create(
        cluster=cluster,
        order=order,
        buyer_id=order.owner_id,
        created_by=actor,
        quantity=remaining,
        deadline=deadline,
        message=message[:2000],
    )
    RfqInvitation.objects.bulk_create(
        RfqInvitation(
            cluster=cluster,
            rfq=rfq,
            supplier_id=entry["owner"],
            capacity_id=entry["capacity_id"],
            score=entry["score"],
            breakdown=entry["breakdown"],
            proposed_by_engine=not suppliers,
        )
        for entry in chosen
    )
    notices.rfq_invited(rfq=rfq, supplier_ids=[entry["owner"] for entry in chosen], actor=actor)
    return rfq


def _locked_rfq(cluster, rfq_id: int) -> RequestForQuotation:
    rfq = (
        RequestForQuotation.objects.select_for_update(of=("self",))
        .select_related("order", "buyer", "cluster")
        .filter(cluster=cluster, pk=rfq_id)
        .first()
    )
    if rfq is None:
        raise NotFoundError()
    return rfq


def _quoting(actor, cluster, rfq_id: int) -> tuple[RequestForQuotation, RfqInvitation]:
    """The request (locked) and the caller's invitation to it, while it takes quotes."""
    rfq = _locked_rfq(cluster, rfq_id)
    invitation = (
        RfqInvitation.objects.select_for_update(of=("self",))
        .select_related("capacity", "supplier")
        .filter(rfq=rfq, supplier_id__in=viewer_enterprise_ids(actor))
        .first()
    )
    if invitation is None:
        raise PermissionDeniedError(_("Only the invited suppliers quote."))
    check_quote(rfq)
    return rfq, invitation


def _quote_terms(cluster, rfq, invitation, terms: dict) -> dict:
    order, capacity = rfq.order, invitation.capacity
    most = min(order.quantity - order.filled_quantity, capacity.total_quantity - capacity.reserved_quantity)
    return clean_terms(cluster, terms, most=most, whole=None if order.splittable else rfq.quantity)


def _new_quote(rfq, invitation, *, actor, note: str, terms: dict, revises=None) -> Offer:
    """A supplier's quote on its invitation, valid the rulebook's time after the deadline."""
    return Offer.objects.create(
        cluster_id=rfq.cluster_id,
        invitation=invitation,
        revises=revises,
        side="supply",
        enterprise=invitation.supplier,
        author=actor,
        note=note[:2000],
        expires_at=offer_valid_until(rfq.cluster, rfq.deadline),
        **terms,
    )


def _keep(*, rfq, invitation, quote, actor, cluster, checked) -> Document | None:
    """A document in the request's room: the buyer's (no ``invitation``: every supplier asked sees
    it) or a supplier's (the buyer and this supplier see it), with its ``quote`` if any. Stored
    last: a store that fails rolls back the quote written with it."""
    if checked is None:
        return None
    return documents.document_keep(
        checked=checked,
        actor=actor,
        cluster=cluster,
        offer=quote,
        rfq=rfq,
        invitation=invitation,
        enterprise_id=rfq.buyer_id if invitation is None else invitation.supplier_id,
    )


@transaction.atomic
def quote_submit(*, actor, cluster, rfq_id: int, terms: dict, note: str = "", kind: str = "", file=None) -> Offer:
    """An invited supplier quotes once, before the deadline. With ``file`` (of ``kind``) the quote
    carries a document (a drawing, a certificate…): one write, the file refused -> no quote."""
    rfq, invitation = _quoting(actor, cluster, rfq_id)
    if invitation.status != RfqInvitation.Status.INVITED:
        raise DomainError(
            _("Your enterprise has already quoted on this request."), field="quote", code="already_quoted"
        )
    cleaned = _quote_terms(cluster, rfq, invitation, terms)
    checked = documents.check_attached(cluster=cluster, kind=kind, file=file)
    quote = _new_quote(rfq, invitation, actor=actor, note=note, terms=cleaned)
    _keep(rfq=rfq, invitation=invitation, quote=quote, actor=actor, cluster=cluster, checked=checked)
    invitation.status = RfqInvitation.Status.QUOTED
    invitation.save(update_fields=["status"])
    notices.quote_received(rfq=rfq, quote=quote, actor=actor)
    return quote


@transaction.atomic
def quote_revise(*, actor, cluster, rfq_id: int, terms: dict, note: str = "", kind: str = "", file=None) -> Offer:
    """An invited supplier revises its open quote before the deadline, at most the rulebook's
    ``dealroom.quote_max_revisions`` times: the old quote is superseded (kept, and named by the new
    one's ``revises``), the buyer compares the latest. Serialised with awards and cancelling by the
    request's row lock."""
    rfq, invitation = _quoting(actor, cluster, rfq_id)
    current = (
        Offer.objects.select_for_update().filter(invitation=invitation).exclude(status=Offer.Status.SUPERSEDED).first()
    )
    if current is None:
        raise DomainError(_("Your enterprise has not quoted yet: send a quote first."), field="quote", code="no_quote")
    if current.status != Offer.Status.OPEN:
        raise ConflictError(
            _("Your quote is %(status)s and can no longer be revised.")
            % {"status": current.get_status_display().lower()},
            code="illegal_transition",
            field="quote",
        )
    most_revisions = rules_in_force(cluster)["dealroom.quote_max_revisions"]
    revisions = Offer.objects.filter(invitation=invitation, status=Offer.Status.SUPERSEDED).count()
    if revisions >= most_revisions:
        raise DomainError(
            _("A quote may be revised at most %(most)d times in this cluster.") % {"most": most_revisions},
            field="quote",
            code="too_many_revisions",
        )
    cleaned = _quote_terms(cluster, rfq, invitation, terms)
    checked = documents.check_attached(cluster=cluster, kind=kind, file=file)
    now = timezone.now()
    if not Offer.objects.filter(pk=current.pk, status=Offer.Status.OPEN).update(
        status=Offer.Status.SUPERSEDED, answered_at=now, answered_by=actor
    ):
        raise ConflictError(_("Your quote was answered meanwhile."), code="illegal_transition", field="quote")
    quote = _new_quote(rfq, invitation, actor=actor, note=note, terms=cleaned, revises=current)
    _keep(rfq=rfq, invitation=invitation, quote=quote, actor=actor, cluster=cluster, checked=checked)
    notices.quote_revised(rfq=rfq, quote=quote, actor=actor)
    return quote


@transaction.atomic
def rfq_cancel(*, actor, cluster, rfq_id: int, reason: str = "") -> RequestForQuotation:
    """The buyer cancels its open request: the open quotes are closed (kept), every invitation is
    closed, and each invited supplier hears of it. An awarded or cancelled request is a 409."""
    rfq = _locked_rfq(cluster, rfq_id)
    _mine(actor, rfq.buyer_id)
    check_cancel(rfq)
    now = timezone.now()
    Offer.objects.filter(invitation__rfq=rfq, status=Offer.Status.OPEN).update(
        status=Offer.Status.CLOSED, answered_at=now, answered_by=actor
    )
    invited = list(RfqInvitation.objects.filter(rfq=rfq).values_list("supplier_id", flat=True))
    RfqInvitation.objects.filter(rfq=rfq).update(status=RfqInvitation.Status.CLOSED)
    rfq.status, rfq.cancelled_at, rfq.cancel_reason = RequestForQuotation.Status.CANCELLED, now, reason.strip()[:2000]
    rfq.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    notices.rfq_cancelled(rfq=rfq, supplier_ids=invited, actor=actor)
    return rfq


def _clean_awards(rfq, awards: list[dict]) -> list[tuple[Offer, int]]:
    if not awards:
        raise DomainError(_("Award at least one quote."), field="awards")
    ids = [a["quote"] for a in awards]
    if len(set(ids)) != len(ids):
        raise DomainError(_("Each quote is awarded once."), field="awards")
    quotes = {
        q.pk: q
        for q in Offer.objects.select_for_update(of=("self",))
        .select_related("invitation", "enterprise")
        .filter(cluster_id=rfq.cluster_id, invitation__rfq=rfq, pk__in=ids)
    }
    now, chosen = timezone.now(), []
    for award in awards:
        quote = quotes.get(award["quote"])
        if quote is None:
            raise DomainError(
                _("Quote %(id)d is not a quote of this request.") % {"id": award["quote"]}, field="awards"
            )
        if quote.status != Offer.Status.OPEN or quote.expires_at <= now:
            raise DomainError(_("Quote %(id)d is no longer open.") % {"id": quote.pk}, field="awards")
        quantity = award.get("quantity") or quote.quantity
        if not 1 <= quantity <= quote.quantity:
            raise DomainError(
                _("Award between 1 and the %(quoted)d quoted (quote %(id)d).")
                % {"quoted": quote.quantity, "id": quote.pk},
                field="awards",
            )
        chosen.append((quote, quantity))
    return chosen


@transaction.atomic
def rfq_award(*, actor, cluster, rfq_id: int, awards: list[dict]) -> RequestForQuotation:
    """Award one or several quotes (``[{"quote": id, "quantity": n}]``, the quantity defaulting to
    the quote's): each a match accepted by both and a deal on the quote's terms; the rest closed."""
    rfq = _locked_rfq(cluster, rfq_id)
    _mine(actor, rfq.buyer_id)
    check_award(rfq)
    order = Order.objects.select_for_update().get(pk=rfq.order_id)
    chosen = _clean_awards(rfq, awards)
    total, remaining = sum(q for _quote, q in chosen), order.quantity - order.filled_quantity
    if total > remaining:
        raise DomainError(
            _("The awards total %(total)d, more than the %(remaining)d the order still needs.")
            % {"total": total, "remaining": remaining},
            field="awards",
        )
    if not order.splittable and (len(chosen) > 1 or total != remaining):
        raise DomainError(_("This order may not be split: award one quote for all of it."), field="awards")
    now, version = timezone.now(), rulebook_version(cluster=cluster)
    awarded: dict[int, int] = {}
    for quote, quantity in chosen:
        invitation = quote.invitation
        # an open proposal of the same pair gives way to the award (one open proposal per pair)
        Match.objects.filter(order=order, capacity_id=invitation.capacity_id, status=Match.Status.PROPOSED).update(
            status=Match.Status.WITHDRAWN, updated_at=now
        )
        match = Match.objects.create(
            cluster=cluster,
            kind=MatchKind.PRODUCTION,
            order=order,
            capacity=CapacityOffer.objects.get(pk=invitation.capacity_id),
            demand_owner_id=rfq.buyer_id,
            supply_owner_id=invitation.supplier_id,
            quantity=quantity,
            score=invitation.score,
            breakdown=invitation.breakdown,
            rulebook_version=version,
            expires_at=now + datetime.timedelta(hours=1),
        )
        match_accept_terms(
            actor=actor,
            cluster=cluster,
            match_id=match.pk,
            terms={
                "quantity": quantity,
                "unit_price": quote.unit_price,
                "due_date": quote.delivery_date,
                "payment_terms": quote.payment_terms,
                "lot_size": quote.lot_size,
                "quote": quote.pk,
                "rfq": rfq.pk,
            },
        )
        quote.status, quote.answered_at, quote.answered_by = Offer.Status.ACCEPTED, now, actor
        quote.awarded_quantity, quote.deal = quantity, Deal.objects.get(match=match)
        quote.save(update_fields=["status", "answered_at", "answered_by", "awarded_quantity", "deal"])
        RfqInvitation.objects.filter(pk=invitation.pk).update(status=RfqInvitation.Status.AWARDED)
        # the supplier's documents of the request follow it into the deal's room
        Document.objects.filter(invitation=invitation).update(match=match, deal=quote.deal)
        awarded[invitation.supplier_id] = awarded.get(invitation.supplier_id, 0) + quantity
    Offer.objects.filter(invitation__rfq=rfq, status=Offer.Status.OPEN).update(
        status=Offer.Status.CLOSED, answered_at=now, answered_by=actor
    )
    closed = list(
        RfqInvitation.objects.filter(rfq=rfq)
        .exclude(status=RfqInvitation.Status.AWARDED)
        .values_list("supplier_id", flat=True)
    )
    RfqInvitation.objects.filter(rfq=rfq).exclude(status=RfqInvitation.Status.AWARDED).update(
        status=RfqInvitation.Status.CLOSED
    )
    rfq.status, rfq.awarded_at = RequestForQuotation.Status.AWARDED, now
    rfq.save(update_fields=["status", "awarded_at", "updated_at"])
    notices.quotes_decided(rfq=rfq, awarded=awarded, closed_ids=closed, actor=actor)
    return rfq


@transaction.atomic
def rfq_document_upload(*, actor, cluster, rfq_id: int, kind: str, file, name: str = "") -> Document:
    """A document of a request for quotation: the buyer's (while the request is open) goes to every
    invited supplier (a drawing, a specification); an invited supplier's (while quotes are taken)
    only to the buyer, attached to its current quote if it has quoted."""
    rfq = _locked_rfq(cluster, rfq_id)
    mine = viewer_enterprise_ids(actor)
    buyer = rfq.buyer_id in mine
    invitation = None if buyer else RfqInvitation.objects.filter(rfq=rfq, supplier_id__in=mine).first()
    if not buyer and invitation is None:
        raise NotFoundError()  # neither the buyer nor invited: as if there were no such request
    check_rfq_documents(rfq, buyer=invitation is None)
    checked = documents.check_file(cluster=cluster, kind=kind, file=file, name=name)
    quote = None
    if invitation is not None:
        quote = Offer.objects.filter(invitation=invitation).exclude(status=Offer.Status.SUPERSEDED).first()
    return _keep(rfq=rfq, invitation=invitation, quote=quote, actor=actor, cluster=cluster, checked=checked)
