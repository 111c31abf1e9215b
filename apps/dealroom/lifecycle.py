"""The deal room's states and the checks beside them (as ``marketplace/lifecycle.py``)."""

from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.marketplace.models import Deal
from apps.tenancy.rules import rule_value

from .models import Dispute, Document, DocumentKind

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


def participants_may_include_admins(match) -> bool:
    """The cluster's administrators take part in the match's conversation while its deal has an
    open dispute (for the conversation, drtalk; the lead reconciles the two)."""
    deal_id = Deal.objects.filter(match_id=getattr(match, "pk", match)).values_list("pk", flat=True).first()
    return has_open_dispute(deal_id=deal_id)


def can_open_dispute(deal, side: str | None) -> bool:
    from apps.marketplace import lifecycle as market

    return side is not None and market.can_reach(deal.status, Deal.Status.DISPUTED)
