from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    name = "apps.membership"
    label = "membership"
    verbose_name = _("Membership")

    def ready(self):
        from apps.tenancy import joining
        from apps.tenancy.access import provide_roles
        from apps.tenancy.rules import provide_rules

        from .roles import MEMBER_ROLE
        from .rules import MEMBERSHIP_RULES, MODERATION_RULES
        from .selectors import cluster_joining_state

        provide_roles(MEMBER_ROLE)
        provide_rules(*MODERATION_RULES, order=10)
        provide_rules(*MEMBERSHIP_RULES, order=60)
        joining.register(cluster_joining_state)  # the cluster page's call to action

        from . import notices

        notices.register()  # how its notifications read, rendered when read
