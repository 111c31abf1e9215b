"""The deal room's parameters in the rulebook, provided to tenancy from ``DealroomConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from apps.tenancy.rules import RuleDefinition, per_name

# --- offers and requests for quotation ---------------------------------------------------------

#: the payment terms an offer may carry, as people read them; each is allowed by its own rule
PAYMENT_TERMS = {
    "prepayment": _("Prepayment"),
    "deposit_30": _("30% deposit, balance on delivery"),
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
    *per_name(
        "dealroom.payment_terms",
        dict.fromkeys(PAYMENT_TERMS, True),
        names={
            "prepayment": _("Payment terms allowed: prepayment"),
            "deposit_30": _("Payment terms allowed: 30% deposit"),
            "net_30": _("Payment terms allowed: net 30"),
            "net_60": _("Payment terms allowed: net 60"),
        },
        descriptions=dict.fromkeys(PAYMENT_TERMS, _("Whether offers and quotes may carry these payment terms.")),
        minimum=None,
        maximum=None,
        unit="yes/no",
    ),
)
