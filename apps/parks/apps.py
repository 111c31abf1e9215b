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

        from .roles import AUDITOR, AUDITOR_ROLE
        from .rules import PARKS_RULES
        from .selectors import levels_of
        from .services.verification import withdraw_on_identity_change

        provide_roles(AUDITOR_ROLE)
        provide_page_role(AUDITOR)
        provide_rules(*PARKS_RULES, order=70)
        verification_levels.register(levels_of)  # the profile and the directory show the level
        pre_save.connect(withdraw_on_identity_change, sender=Enterprise, dispatch_uid="parks.withdraw_on_identity")
