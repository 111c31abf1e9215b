from allauth.account import auth_backends as allauth_backends
from axes.backends import AxesStandaloneBackend
from django.contrib.auth import backends as auth_backends

from .selectors import user_get


class AdminLoginGuardBackend(AxesStandaloneBackend):
    """django-axes' lockout check, skipped where there is no request to judge (scripts, tests)."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class CachedUserMixin:
    """Loads the session's user through the cache (``apps.accounts.selectors.user_get``)."""

    def get_user(self, user_id):
        user = user_get(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(CachedUserMixin, auth_backends.ModelBackend):
    pass


class AuthenticationBackend(CachedUserMixin, allauth_backends.AuthenticationBackend):
    """allauth's backend (e-mail login), which allauth prefers when it logs a user in."""
