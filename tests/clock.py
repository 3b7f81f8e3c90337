"""Named moments for tests whose result depends on the date (issue 16, "Tests with a fixed clock").

A test file that computes from "today" fixes the clock at one of these moments with the
``today`` marker (``pytestmark = pytest.mark.today(MONDAY)``, or on one test) and builds
its data from that day; tests/conftest.py's autouse ``today_clock`` fixture travels there
with time-machine, so every "now" (utc_now, local_today, the models' timestamps, Flask's
session clock) starts at that moment. The clock runs on from there unless the marker says
``tick=False``; a test lasts seconds, so the day never changes under it. Each moment is
chosen for what it makes a test prove: a plain working week, a deadline counted across
Easter, the boundaries of the Danish day (domain/dates.py, domain/workdays.py).

tests/test_fixed_clock.py lists the test files that still compute from the real today.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def copenhagen(day: date, hour: int, minute: int = 0) -> datetime:
    """A Danish wall-clock time, as the aware UTC moment the server sees."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=COPENHAGEN).astimezone(UTC)


# An ordinary working week: Monday 2 March 2026, 09:00 in Denmark (08:00 UTC), the
# moment the visit tests use too (tests/visits/scene.py). No holiday within five weeks
# before or after; the month's first Monday, so a week and a month start together.
MONDAY = copenhagen(date(2026, 3, 2), 9)

# The day before Easter's three weekday holidays: Wednesday 1 April 2026, 09:00. Skærtorsdag
# (2 April), Langfredag (3 April) and 2. påskedag (6 April) are not working days, so the
# next working day is Tuesday 7 April and the fifth Monday 13 April, not Wednesday 8 April
# (002's deadlines).
BEFORE_EASTER = copenhagen(date(2026, 4, 1), 9)

# Just after midnight in Denmark while the server's date is still yesterday's: 00:30 on
# Tuesday 24 November 2026 is 23:30 UTC on Monday the 23rd (domain/dates.py).
JUST_AFTER_MIDNIGHT = copenhagen(date(2026, 11, 24), 0, 30)

# The night summer time starts (last Sunday of March): Sunday 29 March 2026 has 23 hours,
# 02:00 jumps to 03:00. 01:30 in Denmark is 00:30 UTC; an hour later it is 03:30.
SPRING_FORWARD_NIGHT = copenhagen(date(2026, 3, 29), 1, 30)

# The night summer time ends (last Sunday of October): Sunday 25 October 2026 has 25 hours,
# 03:00 falls back to 02:00. 23:30 on Saturday the 24th is 21:30 UTC.
FALL_BACK_EVE = copenhagen(date(2026, 10, 24), 23, 30)

# New Year's Eve, half an hour before midnight in Denmark (22:30 UTC): nytårsaftensdag is a
# day off for deadlines (domain/workdays.py), and the next day is a holiday in a new year.
NEW_YEARS_EVE = copenhagen(date(2026, 12, 31), 23, 30)
