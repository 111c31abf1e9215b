from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealroomConfig(AppConfig):
    name = "apps.dealroom"
    label = "dealroom"
    verbose_name = _("Deal room")

    def ready(self):
        from . import notices

        notices.register()  # how its notifications read, rendered when read
