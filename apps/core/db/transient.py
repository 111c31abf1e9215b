"""Which database errors are worth trying again: the database was busy or away, not the statement wrong."""

from django.db import InterfaceError, OperationalError

#: PostgreSQL's codes for a statement that may succeed when tried again: a serialization failure,
#: a deadlock, a lock not available; the server shutting down or starting, no connection slot left
#: (class 08, a connection exception, is matched by its prefix)
TRANSIENT_PGCODES = frozenset({"40001", "40P01", "55P03", "57P01", "57P02", "57P03", "53300"})
#: the same, as SQLite and a lost connection word them (they carry no code)
TRANSIENT_MESSAGES = (
    "database is locked",
    "database table is locked",
    "database is busy",
    "server closed the connection",
    "could not connect",
    "connection refused",
    "connection already closed",
    "terminating connection",
    "timeout expired",
)


def transient_database_error(exc: BaseException) -> bool:
    """True for a lock, busy, deadlock, serialization or connection error of the database."""
    if isinstance(exc, InterfaceError):  # the connection is already closed
        return True
    if not isinstance(exc, OperationalError):
        return False
    pgcode = getattr(exc.__cause__, "pgcode", None)
    if pgcode:
        return pgcode.startswith("08") or pgcode in TRANSIENT_PGCODES
    message = str(exc).lower()
    return any(part in message for part in TRANSIENT_MESSAGES)
