"""Field validators of the membership domain (pure functions, no queries)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

#: First two digits of GB/T 2260 codes: the provincial-level divisions.
PROVINCE_PREFIXES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)


def normalize_credit_code(value: str) -> str:
    return uscc.compact(value or "")


def validate_credit_code(value: str) -> None:
    """Unified Social Credit Code (统一社会信用代码): 18 characters with a check character."""
    try:
        uscc.validate(value)
    except InvalidLength:
        raise ValidationError(_("A Unified Social Credit Code has exactly 18 characters."), code="length") from None
    except InvalidChecksum:
        raise ValidationError(
            _("The check character does not match: please check the code on the business licence."),
            code="checksum",
        ) from None
    except (InvalidFormat, InvalidComponent):
        raise ValidationError(
            _("This is not a valid Unified Social Credit Code (digits and capital letters, no I, O, S, V, Z)."),
            code="format",
        ) from None


def validate_region_code(value: str) -> None:
    """A six-digit administrative division code (GB/T 2260) of a real province."""
    if not (len(value) == 6 and value.isdigit() and value[:2] in PROVINCE_PREFIXES):
        raise ValidationError(
            _("Enter a six-digit administrative division code, e.g. 330600 for Shaoxing."), code="region"
        )
