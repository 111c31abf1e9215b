"""DRF's JSON parser, refusing what Python's ``json`` would turn into a crash or a lie.

``JsonBodyGuardMiddleware`` (``apps/core/request_bodies.py``) refuses such bodies before any
view runs; this parser is the second line for a request that reaches DRF some other way: a
body nested past the recursion limit, a float that overflows to ``inf`` and the constants
``NaN``/``Infinity`` are each a ``ParseError`` (400), never a 500.
"""

import codecs
import json
import math

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _finite_float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise ValueError(_("A number in the request body is too long or out of range."))
    return value


def _no_constant(token: str):
    raise ValueError(_("%(constant)s is not a JSON number.") % {"constant": token})


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            return json.load(codecs.getreader(encoding)(stream), parse_float=_finite_float, parse_constant=_no_constant)
        except RecursionError:
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from None
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %(reason)s") % {"reason": exc}) from None
