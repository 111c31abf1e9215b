"""Bodies that would make a JSON parser blow up are a 400, before any parser runs.

Python's ``json`` recurses once per nesting level, so ``[[[[…]]]]`` 50,000 deep raises
``RecursionError`` (a 500) in allauth's headless views and in DRF alike; an integer of a
million digits raises ``ValueError`` past Python's int-string limit, which allauth does not
catch; ``1e999999`` becomes ``inf``. One scan, linear and non-recursive, looks at the
structure of every body that is not a form: it drops the string literals (escapes
included), then follows the brackets that remain and the number literals between them.

Size stays Django's business: reading ``request.body`` past ``DATA_UPLOAD_MAX_MEMORY_SIZE``
raises ``RequestDataTooBig``, which answers 400 (``apps.core.views.bad_request``).
"""

import math
import re
from itertools import accumulate

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
# A number literal longer than this is no quantity or price anyone means (and past 4,300
# digits Python refuses to convert it).
MAX_NUMBER_LENGTH = 100

_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_LONG_NUMBER = re.compile(rb"[-+0-9.eE]{%d,}" % (MAX_NUMBER_LENGTH + 1))
_EXPONENT = re.compile(rb"-?[0-9.]+[eE][-+]?[0-9]+")
_STEPS = bytes.maketrans(
    b"[{]}", b"\x01\x01\xff\xff"
)  # +1 for an opening bracket, -1 (as a signed byte) for a closing one
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))


def nesting_depth(structure: bytes) -> int:
    """The deepest bracket nesting of a JSON text whose strings have been removed."""
    steps = structure.translate(_STEPS, delete=_NOT_BRACKETS)
    return max(accumulate(memoryview(steps).cast("b")), default=0)


def body_problem(body: bytes) -> str | None:
    """Why this body must not reach a JSON parser, or None."""
    structure = _STRING.sub(b'""', body)
    limit = settings.JSON_MAX_DEPTH
    if nesting_depth(structure) > limit:
        return _("The request body nests JSON deeper than %(limit)d levels.") % {"limit": limit}
    if _LONG_NUMBER.search(structure) or any(_overflows(match.group()) for match in _EXPONENT.finditer(structure)):
        return _("A number in the request body is too long or out of range.")
    return None


def _overflows(token: bytes) -> bool:
    try:
        return not math.isfinite(float(token))
    except ValueError:  # not a number at all: the parser's to refuse
        return False


class JsonBodyGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("CONTENT_LENGTH") not in (None, "", "0") and not request.content_type.startswith(
            FORM_TYPES
        ):
            problem = body_problem(request.body)
            if problem:
                return refuse(request, problem)
        return self.get_response(request)


def refuse(request, message: str):
    if request.path.startswith("/api/"):
        body = {"status": 400, "code": "invalid", "detail": _("Invalid input."), "errors": {"body": [message]}}
        return JsonResponse(body, status=400)
    if request.path.startswith("/_allauth/"):  # allauth's own error format
        return JsonResponse(
            {"status": 400, "errors": [{"message": message, "code": "invalid", "param": "body"}]}, status=400
        )
    return HttpResponseBadRequest(message)
