"""The rulebook parameters membership reads: moderation of reports, and invitations.

Provided to tenancy's rulebook (``apps.tenancy.rules``) from ``MembershipConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from apps.tenancy.rules import RuleDefinition

MODERATION_RULES = (
    RuleDefinition(
        key="moderation.open_reports_to_suspend",
        default=3,
        minimum=1,
        maximum=50,
        unit="reports",
        name=_("Reports that propose a suspension"),
        description=_("Distinct member enterprises with an open report against a member that propose its suspension."),
    ),
    RuleDefinition(
        key="moderation.auto_suspend_without_review",
        default=False,
        minimum=0,
        maximum=1,
        unit="yes/no",
        name=_("Suspend without review"),
        description=_(
            "Whether reports reaching the threshold suspend a member at once, without an administrator's review."
        ),
    ),
    RuleDefinition(
        key="moderation.reports_per_day",
        default=5,
        minimum=1,
        maximum=1000,
        unit="reports",
        name=_("Reports per day"),
        description=_("Reports one person, and one member enterprise, may file in the cluster in 24 hours."),
    ),
)

MEMBERSHIP_RULES = (
    RuleDefinition(
        key="membership.invitation_days",
        default=14,
        minimum=1,
        maximum=90,
        unit="days",
        name=_("Invitation validity"),
        description=_("Days an invitation to join an enterprise stays valid."),
    ),
)
