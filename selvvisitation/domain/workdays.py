"""Working days (hverdage) for the deadlines in 002: Monday to Friday except holidays.

The Danish public holidays (helligdage) are the two fixed days at New Year and Christmas
and the movable feasts counted from Easter Sunday; Store Bededag (the fourth Friday after
Easter) was abolished from 2024. Four more days are commonly off without being
helligdage: Arbejdernes kampdag (1 May), Grundlovsdag (5 June), juleaftensdag (24 Dec)
and nytårsaftensdag (31 Dec). Danish deadline practice treats only the last three like
holidays, so 1 May stays a working day and the policy setting
``optional_holidays_are_working_days`` switches the other three on or off together.

The calendar is written out here, with python-dateutil's Easter, rather than read from the
``holidays`` library: that library imports its 375 country modules (15 MB in every server
worker, issue 17) to answer for one country. Its Danish calendar stays the oracle:
tests/domain/test_workdays.py compares the two for every year from 1950 to 2100.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from dateutil.easter import easter

# (month, day) of the optional holidays that deadline practice treats as days off.
OPTIONAL_DAYS_OFF: frozenset[tuple[int, int]] = frozenset({(6, 5), (12, 24), (12, 31)})

# Days after Easter Sunday: skærtorsdag, langfredag, påskedag, 2. påskedag,
# Kristi himmelfartsdag, pinsedag, 2. pinsedag.
_EASTER_OFFSETS = (-3, -2, 0, 1, 39, 49, 50)
_STORE_BEDEDAG_OFFSET = 26
_LAST_STORE_BEDEDAG_YEAR = 2023  # lov om afskaffelse af søgnehelligdagen store bededag (2023)

_SATURDAY = 5


def public_holidays(year: int) -> frozenset[date]:
    """Return the Danish public holidays (helligdage) of one year, weekends included."""
    sunday = easter(year)
    days = {date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)}
    days.update(sunday + timedelta(days=offset) for offset in _EASTER_OFFSETS)
    if year <= _LAST_STORE_BEDEDAG_YEAR:
        days.add(sunday + timedelta(days=_STORE_BEDEDAG_OFFSET))
    return frozenset(days)


@lru_cache(maxsize=256)
def _days_off(year: int, optional_holidays_are_working_days: bool) -> frozenset[date]:
    """Return the holidays of one year that are not working days; cached per year."""
    if optional_holidays_are_working_days:
        return public_holidays(year)
    optional = {date(year, month, day) for month, day in OPTIONAL_DAYS_OFF}
    return public_holidays(year) | optional


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
