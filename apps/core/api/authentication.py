import functools

from allauth import app_settings as allauth_settings
from allauth.core.internal.sessionkit import get_session_user
from allauth.headless import app_settings
from allauth.headless.adapter import get_adapter
from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from allauth.usersessions import app_settings as usersessions_settings
from allauth.usersessions.internal import usersessionkit
from rest_framework.exceptions import AuthenticationFailed


@functools.cache
def _token_strategy():
    # allauth imports and builds the configured strategy on every access; it never changes
    return app_settings.TOKEN_STRATEGY


@functools.cache
def _tracks_activity() -> bool:
    # allauth reads both settings on every call; with tracking off (the default) it does nothing
    return allauth_settings.USERSESSIONS_ENABLED and usersessions_settings.TRACK_ACTIVITY


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """``X-Session-Token`` from allauth's headless app API, for non-browser clients.

    An invalid or expired token is refused with 401 (instead of silently treating the
    caller as anonymous), so an API client learns it must log in again. A session that is
    not a login (a sign-up waiting for its e-mail code) is anonymous.
    """

    allow_invalid_session_tokens = False

    def authenticate(self, request):
        # allauth's own steps (authenticate_by_x_session_token), with the strategy built once
        token = self.get_session_token(request)
        if not token:
            return None
        session = _token_strategy().lookup_session(token)
        if session is None:
            raise AuthenticationFailed(get_adapter().error_messages["invalid_token"])
        user = get_session_user(session)
        if user is None:
            return None
        if _tracks_activity():
            usersessionkit.track_activity(request._request, user=user, session=session)
        return user, session

    def authenticate_header(self, request):
        return "X-Session-Token"
