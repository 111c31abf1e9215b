from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealroomConfig(AppConfig):
    name = "apps.dealroom"
    label = "dealroom"
    verbose_name = _("Deal room")

    def ready(self):
        from apps.tenancy.rules import provide_rules

        from . import notices
        from .rules import OFFER_RULES

        provide_rules(*OFFER_RULES, order=35)  # offers and requests for quotation
        notices.register()  # how its notifications read, rendered when read
