from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealroomConfig(AppConfig):
    name = "apps.dealroom"
    label = "dealroom"
    verbose_name = _("Deal room")

    def ready(self):
        from apps.marketplace.lifecycle import provide_evidence_check
        from apps.tenancy.rules import provide_rules

        from . import notices
        from .rules import DOCUMENT_RULES, OFFER_RULES
        from .services.disputes import milestone_hook

        provide_rules(*OFFER_RULES, order=35)  # offers and requests for quotation
        provide_rules(*DOCUMENT_RULES, order=70)  # documents, evidence and disputes
        notices.register()  # how its notifications read, rendered when read
        # the marketplace's deal_advance refuses a milestone without the rulebook's evidence, records disputes
        provide_evidence_check(milestone_hook)
