"""Innovation's parameters in the rulebook, provided to tenancy from ``InnovationConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from apps.tenancy.rules import RuleDefinition

# --- knowledge library and search ---

KNOWLEDGE_RULES = (
    RuleDefinition(
        key="innovation.library_review_required",
        default=True,
        minimum=None,
        maximum=None,
        unit="",
        name=_("Library entries reviewed before publication"),
        description=_(
            "When on, a member's library entry is published after an administrator's review; "
            "when off, members publish directly."
        ),
    ),
)
