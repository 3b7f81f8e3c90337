"""Working days (hverdage) for the deadlines in 002: Monday to Friday except holidays.

Public holidays come from the ``holidays`` library's Danish calendar (its "public"
category; Store Bededag is there up to 2023 and gone from 2024, when it was
abolished). Its "optional" category holds Arbejdernes kampdag (1 May), Grundlovsdag
(5 June), juleaftensdag (24 Dec) and nytårsaftensdag (31 Dec). Danish deadline
practice treats only the last three like holidays, so 1 May stays a working day
and the policy setting ``optional_holidays_are_working_days`` switches the other
three on or off together.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

# (month, day) of the optional holidays that deadline practice treats as days off.
OPTIONAL_DAYS_OFF: frozenset[tuple[int, int]] = frozenset({(6, 5), (12, 24), (12, 31)})

_SATURDAY = 5


@lru_cache(maxsize=256)
def _days_off(year: int, optional_holidays_are_working_days: bool) -> frozenset[date]:
    """Return the weekday holidays of one year; cached since calendars are rebuilt slowly."""
    # holidays (about 100 modules, 7 MB) only when a deadline is counted, not at import.
    import holidays

    public = holidays.country_holidays("DK", years=year, categories=("public",))
    off = set(public)
    if not optional_holidays_are_working_days:
        optional = holidays.country_holidays("DK", years=year, categories=("optional",))
        off.update(d for d in optional if (d.month, d.day) in OPTIONAL_DAYS_OFF)
    return frozenset(off)


def is_working_day(day: date, *, optional_holidays_are_working_days: bool = False) -> bool:
    """Tell whether ``day`` is a hverdag: Monday-Friday and not a holiday."""
    if day.weekday() >= _SATURDAY:
        return False
    return day not in _days_off(day.year, optional_holidays_are_working_days)


def add_working_days(
    start: date, n: int, *, optional_holidays_are_working_days: bool = False
) -> date:
    """Return the n-th working day after ``start`` (before it when n < 0); n = 0 gives start.

    ``start`` itself is never counted, as in "within 5 working days after the grant"
    (002): for a grant on Friday 27 March 2026 the 5th working day is Wednesday
    8 April, because Easter takes three weekdays.
    """
    optional = optional_holidays_are_working_days
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    day = start
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day, optional_holidays_are_working_days=optional):
            remaining -= 1
    return day


def working_days_between(
    start: date, end: date, *, optional_holidays_are_working_days: bool = False
) -> int:
    """Count working days from ``start`` towards ``end``: start not counted, end counted.

    Zero when end == start. When end is before start the count is negative: minus
    the working days d with end <= d < start. Walking the same way in both directions
    makes it the inverse of ``add_working_days``: for every n,
    ``working_days_between(start, add_working_days(start, n)) == n``. It is therefore
    antisymmetric only when both ends are working days.
    """
    optional = optional_holidays_are_working_days
    step = 1 if end >= start else -1
    count = 0
    day = start
    while day != end:
        day += timedelta(days=step)
        if is_working_day(day, optional_holidays_are_working_days=optional):
            count += step
    return count
