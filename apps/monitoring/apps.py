from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "apps.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self):
        from apps.tenancy import figures
        from apps.tenancy.rules import provide_rules

        from .pages.figures import public_figures
        from .rules import MONITORING_RULES

        provide_rules(*MONITORING_RULES, order=50)
        figures.register(public_figures)  # the cluster's public page shows them

        from . import notices

        notices.register()  # how its alerts' notifications read, rendered when read
