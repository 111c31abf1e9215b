"""Disputes: a side opens one with a reason and evidence (the deal becomes disputed); the
cluster's administrators decide it (resume, partial delivery, cancel) with a reason, audited,
counted in the reputation of the side it went against, heard by both sides."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.marketplace.models import Deal
from apps.marketplace.services import deals as deal_services
from apps.membership.audit import audit_record
from apps.tenancy.selectors import ADMINISTRATOR, cluster_roles_for

from .. import notices, selectors
from ..lifecycle import REASON_MIN, check_evidence
from ..models import Dispute, Document

# --- documents and disputes ---


def _reason(text: str, field: str = "reason") -> str:
    text = (text or "").strip()
    if len(text) < REASON_MIN:
        raise DomainError(
            _("Give a reason of at least %(count)d characters.") % {"count": REASON_MIN}, field=field, code="too_short"
        )
    return text


def milestone_hook(*, deal, to: str, documents=(), actor=None, note: str = "") -> None:
    """Provided to the marketplace's ``deal_advance`` (inside its transaction, before the deal is
    saved): a step to ``disputed`` records the dispute, whichever page or API took it; a step out of
    a dispute by the sides closes it; any other milestone needs the rulebook's evidence."""
    open_dispute = Dispute.objects.filter(deal=deal, status=Dispute.Status.OPEN).first()
    if to == Deal.Status.DISPUTED:
        _record(deal=deal, actor=actor, reason=_reason(note, field="note"), documents=documents)
        return
    if open_dispute is not None:  # the buyer confirms delivery, or a side cancels: the sides settled it
        open_dispute.status, open_dispute.decided_at = Dispute.Status.CLOSED, timezone.now()
        open_dispute.decision_reason = note
        open_dispute.save(update_fields=["status", "decided_at", "decision_reason"])
    check_evidence(deal=deal, to=to, documents=documents)


def _record(*, deal, actor, reason: str, documents) -> Dispute:
    ids = set(documents or ())
    evidence = Document.objects.filter(cluster_id=deal.cluster_id, match_id=deal.match_id, pk__in=ids)
    if len(ids) != evidence.count():
        raise DomainError(_("Give documents of this deal's room."), field="documents", code="unknown_document")
    side = "buyer" if deal.buyer_id in selectors.market.viewer_enterprise_ids(actor) else "supplier"
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                cluster_id=deal.cluster_id,
                deal=deal,
                opened_by=actor,
                side=side,
                reason=reason,
                status_before=deal.status,
            )
    except IntegrityError:
        raise ConflictError(_("This deal already has an open dispute."), code="dispute_open") from None
    evidence.update(dispute=dispute, deal=deal)
    audit_record(
        cluster=deal.cluster,
        actor=actor,
        action="dispute_opened",
        enterprise=deal.buyer if side == "buyer" else deal.supplier,
        reason=reason,
        before={"deal": deal.pk, "status": deal.status},
        after={"deal": deal.pk, "status": Deal.Status.DISPUTED.value, "dispute": dispute.pk},
    )
    notices.dispute_opened(dispute=dispute, deal=deal)
    return dispute


@transaction.atomic
def dispute_open(*, actor, cluster, deal_id: int, reason: str, documents=()) -> Dispute:
    """Either side opens a dispute with its reason and evidence: the deal becomes disputed."""
    deal = selectors.party_deal(cluster=cluster, user=actor, deal_id=deal_id)
    reason = _reason(reason)
    if Dispute.objects.filter(deal=deal, status=Dispute.Status.OPEN).exists():
        raise ConflictError(_("This deal already has an open dispute."), code="dispute_open")
    deal_services.deal_advance(
        actor=actor, cluster=cluster, deal_id=deal.pk, to=Deal.Status.DISPUTED, note=reason, documents=documents
    )
    return Dispute.objects.get(deal=deal, status=Dispute.Status.OPEN)


AGAINST = {"buyer": "buyer_id", "supplier": "supplier_id"}


@transaction.atomic
def dispute_decide(
    *, actor, cluster, dispute_id: int, outcome: str, reason: str, against: str = "none", delivered_quantity=None
) -> Dispute:
    if not (actor.is_staff or ADMINISTRATOR in cluster_roles_for(user=actor, cluster=cluster)):
        raise PermissionDeniedError(_("Only the cluster's administrators decide disputes."))
    dispute = Dispute.objects.select_for_update().filter(cluster=cluster, pk=dispute_id).first()
    if dispute is None:
        raise NotFoundError()
    if dispute.status != Dispute.Status.OPEN:
        raise ConflictError(_("This dispute has been decided already."), code="decided")
    if outcome not in Dispute.Outcome.values:
        raise DomainError(_("Choose an outcome."), field="outcome")
    if against not in Dispute.Against.values:
        raise DomainError(_("Choose whom the decision goes against."), field="against")
    reason = _reason(reason)
    deal = Deal.objects.select_related("buyer", "supplier").get(pk=dispute.deal_id)
    against_id = getattr(deal, AGAINST[against]) if against in AGAINST else None
    deal = deal_services.deal_settle_dispute(
        actor=actor,
        cluster=cluster,
        deal_id=deal.pk,
        outcome=outcome,
        resume_to=dispute.status_before,
        note=reason,
        against_id=against_id,
        delivered=delivered_quantity,
    )
    dispute.status, dispute.outcome, dispute.against = Dispute.Status.DECIDED, outcome, against
    dispute.delivered_quantity = delivered_quantity if outcome == Dispute.Outcome.PARTIAL else None
    dispute.decision_reason, dispute.decided_by, dispute.decided_at = reason, actor, timezone.now()
    dispute.save()
    audit_record(
        cluster=cluster,
        actor=actor,
        action=f"dispute_{outcome}",
        enterprise=deal.buyer if against == "buyer" else deal.supplier if against == "supplier" else None,
        reason=reason,
        before={"deal": deal.pk, "status": Deal.Status.DISPUTED.value, "dispute": dispute.pk},
        after={
            "deal": deal.pk,
            "status": deal.status,
            "outcome": outcome,
            "against": against,
            "delivered_quantity": dispute.delivered_quantity,
        },
    )
    notices.dispute_decided(dispute=dispute, deal=deal)
    return dispute
