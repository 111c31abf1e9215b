from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """``X-Session-Token`` from allauth's headless app API, for non-browser clients.

    An invalid or expired token is refused with 401 (instead of silently treating the
    caller as anonymous), so an API client learns it must log in again.
    """

    allow_invalid_session_tokens = False

    def authenticate_header(self, request):
        return "X-Session-Token"
