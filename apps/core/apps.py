from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self):
        from apps.core.api import schema  # noqa: F401  (registers OpenAPI extensions)
        from apps.core.request_id import install_log_record_factory

        install_log_record_factory()
