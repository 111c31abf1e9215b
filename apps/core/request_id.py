"""A request id on every request, its answer and every log record written while it runs.

The id is the caller's ``X-Request-ID`` when it is a sane token (a proxy or a client that
already tags its requests), else a new one. It goes back in the answer's ``X-Request-ID``
header, and every log record carries it as ``request_id`` (``-`` outside a request), so
a user's report, the proxy's log and the application's log line meet.
"""

import logging
import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{8,128}")
_current: ContextVar[str] = ContextVar("request_id", default="-")


def current() -> str:
    """The id of the request being answered ('-' outside one)."""
    return _current.get()


class RequestIdMiddleware:
    """First in ``MIDDLEWARE``: every later middleware's and view's log records carry the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request.request_id = given if _ACCEPTED.fullmatch(given) else uuid.uuid4().hex
        token = _current.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id
        return response


class RequestIdFilter(logging.Filter):
    """For a handler whose format names ``request_id``: records made before the factory was
    installed (start-up) get it too."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True


def install_log_record_factory() -> None:
    """Give every log record a ``request_id`` (called once, at start-up)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "adds_request_id", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = _current.get()
        return record

    factory.adds_request_id = True
    logging.setLogRecordFactory(factory)
