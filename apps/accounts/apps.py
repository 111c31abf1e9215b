from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import languages
        from .selectors import watch_users

        watch_users()
        languages.connect()  # a blank preferred language follows the browser at sign-up / first login
