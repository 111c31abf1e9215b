"""Collaborative innovation: technical challenges and confidential solutions, experts and institutions, the shared knowledge library and the search over it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    name = "apps.innovation"
    label = "innovation"
    verbose_name = _("Innovation")

    def ready(self):
        # --- knowledge library and search ---
        from apps.tenancy.rules import provide_rules

        from .rules import KNOWLEDGE_RULES
        from .search import sources

        provide_rules(*KNOWLEDGE_RULES, order=70)
        sources.connect()  # the search's sources, and the signals of the apps below that keep it in step
