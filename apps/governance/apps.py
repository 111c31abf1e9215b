from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "apps.governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment check of AUDIT_CHAIN_KEY)
