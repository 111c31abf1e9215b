"""allauth's adapter for the platform: its rate limits keyed on the client address, and its
e-mails written in the platform's own words (``templates/account/email/``).

The mails name the platform as the reader's language calls it and link to the address the
request came to (``site_url``): what a person opened is where the mail sends them back.
"""

from allauth.core import context as allauth_context
from django.conf import settings
from django.utils.encoding import force_str
from django.utils.translation import gettext

from .client_address import AccountAdapter as ClientAddressAdapter


def site_name() -> str:
    """The platform's name in the active language (a configured SITE_NAME without a translation stays)."""
    return gettext(settings.SITE_NAME)


class AccountAdapter(ClientAddressAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request or self.request
        site_url = request.build_absolute_uri("/") if request is not None else settings.SITE_URL
        super().send_mail(template_prefix, email, {"site_name": site_name(), "site_url": site_url, **context})

    def format_email_subject(self, subject: str) -> str:
        return f"[{site_name()}] {force_str(subject)}"
