from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "apps.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self):
        from apps.tenancy.rules import provide_rules

        from .rules import MATCHING_RULES

        provide_rules(*MATCHING_RULES, order=20)
