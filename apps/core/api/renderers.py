"""The API's JSON: a datetime anywhere in an answer (a serializer field, a hand-built
``Response`` dict) is written in UTC with ``Z`` (``apps.core.dates.format_utc``)."""

import datetime

from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder as DRFJSONEncoder

from apps.core.dates import format_utc


class JSONEncoder(DRFJSONEncoder):
    def default(self, obj):
        if isinstance(obj, datetime.datetime):
            return format_utc(obj)
        return super().default(obj)


class JSONRenderer(renderers.JSONRenderer):
    encoder_class = JSONEncoder
