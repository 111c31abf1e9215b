from allauth.headless.internal import sessionkit
from allauth.headless.tokens.strategies import sessions


class SessionTokenStrategy(sessions.SessionTokenStrategy):
    """allauth's session tokens, looked up with one cache read instead of two.

    allauth's strategy asks the session store whether the session exists, then loads it;
    ``sessionkit.lookup_session`` loads it once (a missing or expired session has no key).
    """

    def lookup_session(self, session_token: str):
        return sessionkit.lookup_session(session_token)
