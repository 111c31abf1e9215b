from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    name = "apps.parks"
    label = "parks"
    verbose_name = _("Park resources")

    def ready(self):
        from django.db.models.signals import pre_save

        from apps.membership import verification_levels
        from apps.membership.models import Enterprise
        from apps.tenancy.access import provide_roles
        from apps.tenancy.pages import provide_page_role
        from apps.tenancy.rules import provide_rules

        from . import lifecycle, notices, partners
        from .roles import AUDITOR, AUDITOR_ROLE
        from .rules import PARKS_RULES
        from .selectors import levels_of
        from .services.verification import withdraw_on_identity_change

        provide_roles(AUDITOR_ROLE)
        provide_page_role(AUDITOR)
        provide_rules(*PARKS_RULES, order=70)
        verification_levels.register(levels_of)  # the profile and the directory show the level
        # partnerships sit below: who books across and which partners the map shows come from its selectors
        lifecycle.provide_partner_check(partners.partner_check)
        lifecycle.provide_partner_clusters(partners.partner_places)
        notices.register()  # how its notifications read, rendered when read
        pre_save.connect(withdraw_on_identity_change, sender=Enterprise, dispatch_uid="parks.withdraw_on_identity")
