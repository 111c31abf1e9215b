"""The client's address, read through the configured number of trusted proxies.

Behind the TLS-terminating proxy every request's ``REMOTE_ADDR`` is the proxy's. Each proxy
appends the address of the peer it heard from to ``X-Forwarded-For``, so with N trusted
proxies the client is the N-th entry from the right; whatever the client wrote itself sits
further left and is ignored. ``TRUSTED_PROXY_COUNT = 0`` (the default) ignores the header
altogether: ``REMOTE_ADDR`` is the client. A request with fewer entries than proxies did not
come through them all, and is judged by ``REMOTE_ADDR`` too.

django-axes (the admin lockout) and allauth's rate limits both key on this address.
"""

import ipaddress

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied


def client_ip(request) -> str | None:
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        entries = [entry.strip() for entry in forwarded.split(",")]
        if len(entries) >= count:
            address = _clean(entries[-count])
            if address:
                return address
    return _clean(request.META.get("REMOTE_ADDR", ""))


def _clean(value: str) -> str | None:
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter, with its rate limits keyed on the same client address as the admin lockout."""

    def get_client_ip(self, request) -> str:
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address
