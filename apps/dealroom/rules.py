"""The deal room's parameters in the rulebook, provided to tenancy from ``DealroomConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from apps.tenancy.rules import RuleDefinition

from .models import DocumentKind

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
            unit="",
            name=EVIDENCE_NAMES[milestone],
            description=_(
                "The kind of document the side must have uploaded to the deal before it records this "
                "milestone (none: no evidence required)."
            ),
            choices=tuple(EVIDENCE_LABELS),
            choice_labels=EVIDENCE_LABELS,
        )
        for milestone, default in EVIDENCE_DEFAULTS.items()
    ),
)

#: the hard ceiling of any upload (the rule's maximum): Django's upload handler stops reading past it
UPLOAD_CEILING_BYTES = 100 * 1024 * 1024
