"""Reads of the reference data."""

from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

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


def _candidates(code: str) -> list[str]:
    """A code, then its prefecture's (``3306xx`` → ``330600``) and its province's (``330000``)."""
    code = code or ""
    return list(dict.fromkeys([code, f"{code[:4]}00", f"{code[:2]}0000"]))


def region_centre(code: str) -> tuple[Decimal, Decimal] | None:
    """The public point of a GB/T 2260 region: the centre of its city, else of its prefecture
    (``3306xx`` → ``330600``) or province (``33xxxx`` → ``330000``); None when none is known.

    What a listing shows when its owner gives no exact point: the city, never the enterprise's
    own (private) location.
    """
    candidates = _candidates(code)
    found = {r.code: (r.latitude, r.longitude) for r in Region.objects.filter(code__in=candidates)}
    return next((found[c] for c in candidates if c in found), None)


_REGIONS: dict[str, tuple[str, str, str, str]] = {}


def _regions_by_code() -> dict[str, tuple[str, str, str, str]]:
    """Every region's names (city and province, Chinese and English) by code, in code order,
    read once per process: reference data changes only by migration (an empty table, before
    it is loaded, is read again next time)."""
    if not _REGIONS:
        rows = Region.objects.order_by("code").values_list("code", "name_zh", "name_en", "province_zh", "province_en")
        _REGIONS.update({row[0]: row[1:] for row in rows})
    return _REGIONS


def region_name(code: str, *, chinese: bool) -> str | None:
    """The name of a GB/T 2260 code's city, else of its prefecture or province, in one script;
    None when none is known. No query after the first in a process."""
    names = _regions_by_code()
    for candidate in _candidates(code):
        if candidate in names:
            return names[candidate][0 if chinese else 1]
    return None


def region_prefix_choices(*, chinese: bool) -> list[tuple[str, list[tuple[str, str]]]]:
    """Provinces and their cities as code prefixes, grouped by province (``33``: all of
    Zhejiang, then ``3306``: Shaoxing …), named in one script: what a region filter offers."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, (city_zh, city_en, province_zh, province_en) in _regions_by_code().items():
        province = province_zh if chinese else province_en
        options = groups.setdefault(province, [])
        if code.endswith("0000"):  # a municipality: its province's one option
            options.append((code[:2], province))
            continue
        if not options:
            options.append((code[:2], _("All of %(province)s") % {"province": province}))
        options.append((code[:4], city_zh if chinese else city_en))
    return list(groups.items())
