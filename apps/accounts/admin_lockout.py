"""django-axes, confined to Django admin's login.

axes records every failed ``authenticate()`` it hears of, wherever it came from; only its
lockout check honours ``AXES_ONLY_ADMIN_SITE``. Members sign in through allauth (pages and
the headless API), which has its own rate limits, so their failures must neither count
toward the admin lockout nor be answered with axes' lockout page. The handler below keeps
axes to requests under the admin site. It locks an account from one address
(``AXES_LOCKOUT_PARAMETERS``): a flood of failures from the proxy's address, or against
another account, never locks a staff member out.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_lockout_message
from django.conf import settings
from django.http import HttpResponse


class AdminSiteHandler(AxesDatabaseHandler):
    """axes' database handler, which records and resets attempts made on the admin site only."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is not None and self.is_admin_request(request):
            super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        if request is not None and self.is_admin_request(request):
            super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        if request is not None and self.is_admin_request(request):
            super().user_logged_out(sender, request, user, **kwargs)


def admin_username(request, credentials: dict | None) -> str | None:
    """The account an admin login names (the form's ``username`` field holds the e-mail), case-folded
    so that ``Staff@…`` and ``staff@…`` share one counter."""
    username = (credentials or {}).get("username")
    if username is None and request is not None and hasattr(request, "POST"):
        username = request.POST.get("username")
    if not isinstance(username, str) or not username.strip():
        return None
    return username.strip().lower()


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """axes' 429, saying when to try again."""
    response = HttpResponse(get_lockout_message(), status=settings.AXES_HTTP_RESPONSE_CODE)
    cool_off = get_cool_off(request)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
