"""Django's cached_db sessions, read through the request's read-ahead.

``TenantScopeMiddleware`` fetches the caller's session together with everything else the
request will read (``apps.core.readahead``), so authenticating costs no round trip of its
own. The store also remembers which user each session it loaded belongs to, so the next
request with that session can read the user and their roles ahead as well; what it
remembers is only a guess for the read-ahead, never an answer (the session is read on
every request, and a logged-out session is gone).

A cache that is away answers as a miss (``apps.core.cache``), so the session is read from
the database, which cached_db writes first anyway. Cached entries carry the cache's epoch:
a session deleted or changed while the cache was away (its cache write dropped) is not
read back from what the cache still held before, because the process that dropped the
write renews the epoch as soon as the cache answers again.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db

from apps.core import generations, readahead
from apps.core.cache import EPOCH_KEY

#: session key -> the id of its user, as last loaded by this process (a read-ahead hint)
_USERS_OF_SESSIONS: dict[str, str] = {}
_REMEMBERED = 20_000


def cache_key_of(session_key: str) -> str:
    return SessionStore.cache_key_prefix + session_key


def user_id_hint(session_key: str) -> str | None:
    return _USERS_OF_SESSIONS.get(session_key)


class _ReadAheadCache:
    """The session cache, with reads answered from the read-ahead and writes forgetting it.

    Entries are stored as ``(epoch, session data)`` and read only under the current epoch;
    an entry is stored under the epoch read with the lookup that missed it, so one computed
    before the epoch changed is never trusted after.
    """

    def __init__(self, cache):
        self._cache = cache
        self._epoch = None

    def get(self, key, default=None):
        found = readahead.get_many([EPOCH_KEY, key])
        self._epoch, entry = found.get(EPOCH_KEY), found.get(key)
        if self._epoch is not None and isinstance(entry, tuple) and len(entry) == 2 and entry[0] == self._epoch:
            return entry[1]
        return default

    def set(self, key, value, *args, **kwargs):
        readahead.forget(key)
        epoch = self._epoch or generations.current(generations.EPOCH)
        if epoch is None:  # the cache is away: the database holds the session
            return None
        return self._cache.set(key, (epoch, value), *args, **kwargs)

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
