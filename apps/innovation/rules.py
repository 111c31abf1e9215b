"""Innovation's parameters in the rulebook, provided to tenancy from ``InnovationConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from apps.tenancy.rules import RuleDefinition

# --- challenges and solutions ---

#: who may post a challenge: verified member enterprises (the cluster's leading ones), any active
#: member enterprise, or only the park's administrators (who may always post for the park)
WHO_MAY_POST = ("verified_members", "any_member", "administrators")
#: the rights an award may transfer, as the rulebook offers them
RIGHTS_OPTIONS = ("licence_or_assignment", "licence_only", "assignment_only")
RIGHTS_ALLOWED = {
    "licence_or_assignment": ("licence", "exclusive_licence", "assignment"),
    "licence_only": ("licence", "exclusive_licence"),
    "assignment_only": ("assignment",),
}

CHALLENGE_RULES = (
    RuleDefinition(
        key="innovation.who_may_post",
        default="any_member",
        minimum=None,
        maximum=None,
        unit="option",
        choices=WHO_MAY_POST,
        choice_labels={
            "verified_members": _("verified (leading) member enterprises"),
            "any_member": _("any member enterprise"),
            "administrators": _("administrators only"),
        },
        name=_("Who may post a challenge"),
        description=_("Which members may put a technical challenge to the cluster (the park always may)."),
    ),
    RuleDefinition(
        key="innovation.award_minimum",
        default=1000,
        minimum=0,
        maximum=100_000_000,
        unit="yuan",
        name=_("Smallest money award"),
        description=_("Smallest money award a challenge may offer (a production-only award has none)."),
    ),
    RuleDefinition(
        key="innovation.rights_options",
        default="licence_or_assignment",
        minimum=None,
        maximum=None,
        unit="option",
        choices=RIGHTS_OPTIONS,
        choice_labels={
            "licence_or_assignment": _("licence or assignment"),
            "licence_only": _("licence only"),
            "assignment_only": _("assignment only"),
        },
        name=_("Rights an award may transfer"),
        description=_("Which rights a challenge's award may transfer to the seeker."),
    ),
    RuleDefinition(
        key="innovation.max_document_mb",
        default=10,
        minimum=1,
        maximum=100,
        unit="MB",
        name=_("Largest solution document"),
        description=_("Largest file, in megabytes, that may be uploaded with a solution."),
    ),
    RuleDefinition(
        key="innovation.confidential_by_default",
        default=True,
        minimum=None,
        maximum=None,
        unit="yes/no",
        name=_("Details confidential by default"),
        description=_("Whether a new challenge's details are shown only after its terms are accepted."),
    ),
)


# --- knowledge library and search ---

KNOWLEDGE_RULES = (
    RuleDefinition(
        key="innovation.library_review_required",
        default=True,
        minimum=None,
        maximum=None,
        unit="yes/no",
        name=_("Library entries reviewed before publication"),
        description=_(
            "When on, a member's library entry is published after an administrator's review; "
            "when off, members publish directly."
        ),
    ),
)
