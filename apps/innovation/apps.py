"""Collaborative innovation: technical challenges and confidential solutions, experts and institutions, the shared knowledge library and the search over it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    name = "apps.innovation"
    label = "innovation"
    verbose_name = _("Innovation")

    def ready(self):
        from apps.tenancy.rules import provide_rules

        # --- challenges and solutions ---
        from . import notices
        from .rules import CHALLENGE_RULES

        provide_rules(*CHALLENGE_RULES, order=70)
        notices.register()  # how its notifications read, rendered when read
