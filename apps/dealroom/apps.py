"""The deal room: a match's and its deal's conversation, negotiated offers, requests for quotation, documents and disputes."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealroomConfig(AppConfig):
    name = "apps.dealroom"
    label = "dealroom"
    verbose_name = _("Deal room")

    def ready(self):
        # --- documents and disputes ---
        from apps.marketplace.lifecycle import provide_evidence_check
        from apps.tenancy.rules import provide_rules

        from . import notices
        from .rules import DOCUMENT_RULES
        from .services.disputes import milestone_hook

        provide_rules(*DOCUMENT_RULES, order=70)
        notices.register()
        # the marketplace's deal_advance refuses a milestone without the rulebook's evidence, records disputes
        provide_evidence_check(milestone_hook)
