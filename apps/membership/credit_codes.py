"""Building valid Unified Social Credit Codes (for demo data and tests)."""

from stdnum.cn import uscc


def make_credit_code(region_code: str, serial: int, *, registration: str = "91") -> str:
    """A syntactically valid code: registration type (91 = enterprise), region, a serial, check character.

    The organisation-code part is derived from ``serial``; the check character is computed
    exactly as GB 32100-2015 defines it, so ``uscc.validate`` accepts the result.
    """
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    digits = []
    n = serial
    for _ in range(9):
        n, r = divmod(n, len(alphabet))
        digits.append(alphabet[r])
    first17 = f"{registration}{region_code}{''.join(reversed(digits))}"
    return first17 + uscc.calc_check_digit(first17)
