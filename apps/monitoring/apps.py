from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "apps.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self):
        from apps.tenancy import figures

        from .pages.figures import public_figures

        figures.register(public_figures)  # the cluster's public page shows them
