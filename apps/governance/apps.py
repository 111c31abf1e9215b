from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "apps.governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from apps.membership.audit import audit_recorded
        from apps.tenancy.access import provide_roles
        from apps.tenancy.rules import provide_rulebook, provide_rules

        from . import checks  # noqa: F401  (registers the deployment check of AUDIT_CHAIN_KEY)
        from .audit import chain_audit_event
        from .roles import COUNCIL_ROLE
        from .rules import CHARTER_RULES
        from .selectors import rulebook_changes_in_force

        provide_roles(COUNCIL_ROLE)
        provide_rules(*CHARTER_RULES, order=40, charter=True)
        provide_rulebook(rulebook_changes_in_force)
        audit_recorded.connect(chain_audit_event, dispatch_uid="governance.chain_audit_event")

        from . import notices

        notices.register()  # how its notifications read, rendered when read
