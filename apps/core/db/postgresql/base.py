"""Django's PostgreSQL backend with a health check that costs no round trip.

With ``CONN_HEALTH_CHECKS`` Django checks a reused connection once per request by sending
``SELECT 1``: a round trip to the server, and a wake-up of its backend process, even for a
request that the cache answers without a single query. A connection the server has closed
(a restart, a terminated backend) has something to read, its goodbye or the end of the
stream; a healthy idle one has nothing. So the check polls the socket, and only when
something is waiting does it fall back to Django's ``SELECT 1``, which then fails and lets
Django reconnect.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None or self.connection.closed:
            return False
        try:
            readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable or super().is_usable()
