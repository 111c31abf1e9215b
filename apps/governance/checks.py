"""Deployment check of the audit chain's key (``check --deploy``)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

MINIMUM_KEY_LENGTH = 32


@register(Tags.security, deploy=True)
def audit_chain_key(app_configs=None, **kwargs):
    key = getattr(settings, "AUDIT_CHAIN_KEY", "")
    if len(key) < MINIMUM_KEY_LENGTH or key == settings.SECRET_KEY:
        return [
            Error(
                f"AUDIT_CHAIN_KEY must be a secret of at least {MINIMUM_KEY_LENGTH} characters, other than SECRET_KEY.",
                hint="Generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'",
                id="governance.E001",
            )
        ]
    return []
