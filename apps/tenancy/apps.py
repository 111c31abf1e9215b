from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "apps.tenancy"
    label = "tenancy"
    verbose_name = _("Clusters")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .access import watch_access

        watch_access()
