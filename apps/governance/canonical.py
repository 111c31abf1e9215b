"""The one text of a chain payload: what an entry's hash covers, and what the verifier compares."""

import json

from django.core.serializers.json import DjangoJSONEncoder


def canonical(payload) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)
