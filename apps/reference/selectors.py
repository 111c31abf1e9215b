"""Reads of the reference data."""

from decimal import Decimal

from .models import Region


def region_centre(code: str) -> tuple[Decimal, Decimal] | None:
    """The public point of a GB/T 2260 region: the centre of its city, else of its prefecture
    (``3306xx`` → ``330600``) or province (``33xxxx`` → ``330000``); None when none is known.

    What a listing shows when its owner gives no exact point: the city, never the enterprise's
    own (private) location.
    """
    code = code or ""
    candidates = list(dict.fromkeys([code, f"{code[:4]}00", f"{code[:2]}0000"]))
    found = {r.code: (r.latitude, r.longitude) for r in Region.objects.filter(code__in=candidates)}
    return next((found[c] for c in candidates if c in found), None)
