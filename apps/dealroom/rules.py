"""The deal room's parameters in the rulebook, provided to tenancy from ``DealroomConfig.ready()``."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.tenancy.rules import RuleDefinition, per_name

from .models import DocumentKind

# --- offers and requests for quotation ---------------------------------------------------------

#: the payment terms an offer may carry, as people read them; each is allowed by its own rule
PAYMENT_TERMS = {
    "prepayment": _("Prepayment"),
    "deposit_30": _("Deposit of 30%, balance on delivery"),
    "net_30": _("Net 30 days"),
    "net_60": _("Net 60 days"),
}

OFFER_RULES = (
    RuleDefinition(
        key="dealroom.offer_valid_hours",
        default=48,
        minimum=1,
        maximum=720,
        unit="hours",
        name=_("Time to answer an offer"),
        description=_("Hours an offer on a match (or a quote, after the deadline) waits for an answer."),
    ),
    RuleDefinition(
        key="dealroom.rfq_max_suppliers",
        default=10,
        minimum=1,
        maximum=50,
        unit="enterprises",
        name=_("Suppliers per request for quotation"),
        description=_("How many suppliers one request for quotation may invite."),
    ),
    RuleDefinition(
        key="dealroom.quote_max_revisions",
        default=3,
        minimum=0,
        maximum=20,
        unit="revisions",
        name=_("Revisions of a quote"),
        description=_("How many times a supplier may revise its open quote before the deadline (0: never)."),
    ),
    *per_name(
        "dealroom.payment_terms",
        dict.fromkeys(PAYMENT_TERMS, True),
        names={
            "prepayment": _("Payment terms allowed: prepayment"),
            "deposit_30": _("Payment terms allowed: deposit of 30%"),
            "net_30": _("Payment terms allowed: net 30"),
            "net_60": _("Payment terms allowed: net 60"),
        },
        descriptions={
            "prepayment": _("Whether offers and quotes may ask for payment in full before production."),
            "deposit_30": _("Whether offers and quotes may ask for a deposit of 30%, the rest on delivery."),
            "net_30": _("Whether offers and quotes may let the buyer pay within 30 days of delivery."),
            "net_60": _("Whether offers and quotes may let the buyer pay within 60 days of delivery."),
        },
        minimum=None,
        maximum=None,
        unit="yes/no",
    ),
)


# --- documents and disputes ---

#: no evidence required for a milestone (the value of a ``dealroom.evidence.*`` rule)
NO_EVIDENCE = "none"
#: milestone -> the document kind it needs by default (NO_EVIDENCE: none). None by default, so that
#: deals already under way (and the demo's) are not stopped by a rule nobody enacted; a cluster's
#: council enacts the evidence it wants (e.g. the suggested ``EVIDENCE_SUGGESTED``).
EVIDENCE_DEFAULTS = dict.fromkeys(("in_production", "quality_checked", "shipped", "delivered"), NO_EVIDENCE)
#: what a cluster typically asks for: an inspection report to pass quality, a shipping document to ship
EVIDENCE_SUGGESTED = {
    "quality_checked": DocumentKind.INSPECTION_REPORT.value,
    "shipped": DocumentKind.SHIPPING_DOCUMENT.value,
}
EVIDENCE_NAMES = {
    "in_production": _("Evidence to start production"),
    "quality_checked": _("Evidence to mark quality checked"),
    "shipped": _("Evidence to mark shipped"),
    "delivered": _("Evidence to confirm delivery"),
}
EVIDENCE_LABELS = {NO_EVIDENCE: _("none"), **{kind.value: kind.label for kind in DocumentKind}}


def evidence_key(milestone: str) -> str:
    return f"dealroom.evidence.{milestone}"


DOCUMENT_RULES = (
    RuleDefinition(
        key="dealroom.max_document_mb",
        default=20,
        minimum=1,
        maximum=100,
        unit="MB",
        name=_("Largest document"),
        description=_("Largest file, in megabytes, that may be uploaded to a deal room."),
    ),
    *(
        RuleDefinition(
            key=evidence_key(milestone),
            default=default,
            minimum=None,
            maximum=None,
            unit="document kind",
            name=EVIDENCE_NAMES[milestone],
            description=format_lazy(
                _(
                    "The kind of document the side must have uploaded to the deal before it records this "
                    "milestone ({milestone}; none: no evidence required)."
                ),
                milestone=EVIDENCE_NAMES[milestone],
            ),
            choices=tuple(EVIDENCE_LABELS),
            choice_labels=EVIDENCE_LABELS,
        )
        for milestone, default in EVIDENCE_DEFAULTS.items()
    ),
)

#: the hard ceiling of any upload (the rule's maximum): Django's upload handler stops reading past it
UPLOAD_CEILING_BYTES = 100 * 1024 * 1024
