"""The Danish calendar day, and dates typed by hand, read the Danish way (day first).

Every "today" in the app is the day in Denmark, never the server's own: a server
runs on UTC, and between 23:00 and 00:00 UTC (00:00-01:00 in Denmark, winter; two
hours in summer) its date is yesterday's. The evening and night shifts of home care
work then, and would see the wrong day's visits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Copenhagen")
# The days the app works with: a date outside them is a typing error or an attack, and
# arithmetic on 0001-01-01 or 9999-12-31 overflows (issue 15, Low 9).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)
# The largest id the database's integer column holds (PostgreSQL's INTEGER).
DB_INT_MAX = 2**31 - 1


def plausible_day(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


# A moment set by clock_at; None (always, outside the demo's seeding): the real time.
_SET_NOW: ContextVar[datetime | None] = ContextVar("selvvisitation_set_now", default=None)


def utc_now() -> datetime:
    """Now, aware and in UTC: the moment clock_at set, or the real time."""
    moment = _SET_NOW.get()
    return moment if moment is not None else datetime.now(UTC)


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Run the block as if it were ``moment`` (aware) for every "now" taken from utc_now,
    local_today and the models' timestamps. The demo plays its week through the real
    services with it (demo/week.py), so each row says when it happened in the story."""
    if moment.tzinfo is None:
        raise ValueError("clock_at needs an aware moment")
    token = _SET_NOW.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _SET_NOW.reset(token)


def local_today(now: datetime | None = None) -> date:
    """The date in Denmark now (or at ``now``, an aware moment)."""
    return (now or utc_now()).astimezone(LOCAL).date()


def local_day(moment: datetime) -> date:
    """The Danish calendar day of a stored moment (UTC; SQLite may hand it back naive)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL).date()


def parse_day(text: str) -> date | None:
    """Read a date typed as 2026-03-05 (the date picker) or 5-3-2026 / 5.3.2026 (by hand).

    None for a day outside FIRST_DAY..LAST_DAY too: year 1 parsed, then overflowed when
    made a moment in Copenhagen, a 500 on every form with a date (issue 15, Low 9).
    """
    day = _parse_day(text)
    return day if day is not None and plausible_day(day) else None


def _parse_day(text: str) -> date | None:
    text = (text or "").strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for separator in ("-", ".", "/"):
        parts = text.split(separator)
        if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
            try:
                return date(int(parts[2]), int(parts[1]), int(parts[0]))
            except ValueError:
                return None
    return None
    return None
