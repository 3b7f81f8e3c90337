"""When granted services fall due: recurrence rules from the decision (python-dateutil rrule)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.rrule import DAILY, WEEKLY, rrule

from selvvisitation.domain.types import Frequency

_INTERVAL_WEEKS = {
    Frequency.EVERY_2_WEEKS: 2,
    Frequency.EVERY_3_WEEKS: 3,
    Frequency.EVERY_5_6_WEEKS: 5,  # the promise is 5-6 weeks; planning at 5 keeps it
}

# Time windows of the service level (002): personal care mainly 07:30-10:30 and
# 20:00-23:00; breakfast 07:30-10:00, lunch 11:00-13:00, dinner 16:30-19:00.
TIME_SLOTS: dict[str, tuple[time, time]] = {
    "morning": (time(7, 30), time(10, 30)),
    "lunch": (time(11, 0), time(13, 0)),
    "day": (time(10, 0), time(15, 0)),  # practical help
    "dinner": (time(16, 30), time(19, 0)),
    "evening": (time(20, 0), time(23, 0)),
}


@dataclass(frozen=True)
class Recurrence:
    frequency: Frequency
    weekdays: tuple[int, ...]  # 0 = Monday
    start: date
    end: date | None


def occurrences(recurrence: Recurrence, window_start: date, window_end: date) -> Iterator[date]:
    """Days in [window_start, window_end] on which the service is due."""
    first = max(recurrence.start, window_start)
    last = min(recurrence.end, window_end) if recurrence.end else window_end
    if first > last:
        return
    anchor = datetime.combine(recurrence.start, time())
    until = datetime.combine(last, time())
    if recurrence.frequency == Frequency.DAILY:
        rule = rrule(DAILY, dtstart=anchor, until=until)
    else:
        interval = _INTERVAL_WEEKS.get(recurrence.frequency, 1)
        weekdays = recurrence.weekdays or (recurrence.start.weekday(),)
        rule = rrule(WEEKLY, dtstart=anchor, until=until, interval=interval, byweekday=weekdays)
    for moment in rule.between(
        datetime.combine(first, time()) - timedelta(seconds=1), until, inc=True
    ):
        yield moment.date()
