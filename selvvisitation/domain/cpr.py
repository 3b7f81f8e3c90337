"""CPR numbers: format validation and masking (databeskyttelsesloven § 11).

A CPR number identifies the citizen and nothing more: lists show it masked, it
never goes into URLs or logs. Since 2007 not every valid CPR number passes the
old modulus-11 check, so we validate format and date only.
"""

from __future__ import annotations

import re
from datetime import date

# ASCII digits only: \d also takes Arabic-Indic and other digits ("٠١٠١٤٥١٢٣٤"), which int()
# reads as the same number, so one person could be stored twice (issue 15, Low 10).
_CPR = re.compile(r"^\s*([0-9]{2})([0-9]{2})([0-9]{2})\s*-?\s*([0-9]{4})\s*$")


class CprError(ValueError):
    """The text is not a CPR number; `code` names what is wrong for the UI."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _century(year2: int, seventh: int) -> int:
    """The century from the 7th digit, per the CPR office's table."""
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if year2 <= 36 else 1900
    # 5-8
    return 2000 if year2 <= 57 else 1800


def normalise_cpr(text: str) -> str:
    """Return the ten digits of a CPR number, or raise CprError with a reason code."""
    if text is None or not str(text).strip():
        raise CprError("empty")
    match = _CPR.match(str(text))
    if not match:
        raise CprError("format")
    dd, mm, yy, serial = match.groups()
    year = _century(int(yy), int(serial[0])) + int(yy)
    try:
        date(year, int(mm), int(dd))
    except ValueError:
        raise CprError("date") from None
    return f"{dd}{mm}{yy}{serial}"


def birth_date(cpr: str) -> date:
    digits = normalise_cpr(cpr)
    year = _century(int(digits[4:6]), int(digits[6])) + int(digits[4:6])
    return date(year, int(digits[2:4]), int(digits[0:2]))


def mask_cpr(cpr: str) -> str:
    """Show the birth date part only: 010150-XXXX."""
    digits = "".join(ch for ch in (cpr or "") if ch in "0123456789")
    if len(digits) != 10:
        return "XXXXXX-XXXX"
    return f"{digits[:6]}-XXXX"
