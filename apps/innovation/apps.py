from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    name = "apps.innovation"
    label = "innovation"
    verbose_name = _("Innovation")

    def ready(self):
        from apps.tenancy.rules import provide_rules

        from . import notices
        from .rules import CHALLENGE_RULES, KNOWLEDGE_RULES
        from .search import sources

        provide_rules(*CHALLENGE_RULES, order=70)  # challenges and solutions
        provide_rules(*KNOWLEDGE_RULES, order=71)  # the knowledge library
        notices.register()  # how its notifications read, rendered when read
        sources.connect()  # the search's sources, and the signals of the apps below that keep it in step
