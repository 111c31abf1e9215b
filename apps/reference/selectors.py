"""Reads of the reference data."""

from decimal import Decimal

from django.db.models import QuerySet

from .models import Capability, CertificationScheme, IndustryCode, Region


def capabilities() -> QuerySet[Capability]:
    """The shared process taxonomy, by category."""
    return Capability.objects.prefetch_related("industry_divisions").order_by("category", "code")


def industry_codes() -> QuerySet[IndustryCode]:
    return IndustryCode.objects.order_by("code")


def certification_schemes() -> QuerySet[CertificationScheme]:
    return CertificationScheme.objects.order_by("code")


def regions() -> QuerySet[Region]:
    return Region.objects.order_by("code")


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
