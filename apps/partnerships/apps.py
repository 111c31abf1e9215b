from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "apps.partnerships"
    label = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self):
        from apps.governance.proposal_types import provide_proposal_type
        from apps.tenancy.scoping import provide_partners

        from .selectors import partners_by_kind
        from .services import motion_enact, motion_rejected

        # each council decides by a proposal of this type; governance enacts it through these hooks
        provide_proposal_type("partnership", enact=motion_enact, rejected=motion_rejected)
        # SQLite's scoping shows a partner's shared rows as PostgreSQL's partner policy does
        provide_partners(partners_by_kind)
