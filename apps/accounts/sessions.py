"""Django's cached_db sessions, read through the request's read-ahead.

``TenantScopeMiddleware`` fetches the caller's session together with everything else the
request will read (``apps.core.readahead``), so authenticating costs no round trip of its
own. The store also remembers which user each session it loaded belongs to, so the next
request with that session can read the user and their roles ahead as well; what it
remembers is only a guess for the read-ahead, never an answer (the session is read on
every request, and a logged-out session is gone).
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db

from apps.core import readahead

#: session key -> the id of its user, as last loaded by this process (a read-ahead hint)
_USERS_OF_SESSIONS: dict[str, str] = {}
_REMEMBERED = 20_000


def cache_key_of(session_key: str) -> str:
    return SessionStore.cache_key_prefix + session_key


def user_id_hint(session_key: str) -> str | None:
    return _USERS_OF_SESSIONS.get(session_key)


class _ReadAheadCache:
    """The session cache, with reads answered from the read-ahead and writes forgetting it."""

    def __init__(self, cache):
        self._cache = cache

    def get(self, key, default=None):
        return readahead.get_many([key]).get(key, default)

    def set(self, key, *args, **kwargs):
        readahead.forget(key)
        return self._cache.set(key, *args, **kwargs)

    def delete(self, key, *args, **kwargs):
        readahead.forget(key)
        return self._cache.delete(key, *args, **kwargs)

    def __contains__(self, key):
        return key in self._cache

    def __getattr__(self, name):
        return getattr(self._cache, name)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _ReadAheadCache(self._cache)

    def load(self):
        data = super().load()
        user_id = data.get(SESSION_KEY)
        if user_id is not None and self.session_key:
            if len(_USERS_OF_SESSIONS) >= _REMEMBERED:
                _USERS_OF_SESSIONS.clear()
            _USERS_OF_SESSIONS[self.session_key] = str(user_id)
        return data
