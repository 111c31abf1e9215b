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

        from . import partners, planner

        if partners.match_incremental not in planner.INCREMENTAL_EXTENSIONS:  # new listings matched across too
            planner.INCREMENTAL_EXTENSIONS.append(partners.match_incremental)

        # an enacted change of the matching rules re-scores the open proposals (governance sits below)
        from apps.governance.signals import rulebook_enacted

        from .services import rules_enacted

        rulebook_enacted.connect(rules_enacted, dispatch_uid="matching.rules_enacted")

        # a posted listing joins its cluster's next pass from the posting process (no task per listing)
        from apps.core import outbox

        from .tasks import match_listing, pend_listing

        outbox.LOCAL[match_listing.name] = pend_listing
