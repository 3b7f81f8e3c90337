"""The time frame (tidsramme) a swap must stay within (rule 4; 004 §1.3.3, 002 §8).

The time frame is the minutes the municipality set aside for the granted services.
Over a window (one visit, one week, two weeks; a policy setting) it is the sum of
the granted minutes planned in that window, counting only grants active on the
day of each delivery: a temporary grant (003 "Midlertidig indsats") contributes
nothing after its end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import KW_ONLY, dataclass
from datetime import date, timedelta
from fractions import Fraction

from selvvisitation.domain.types import Frequency, ServiceCategory, SwapWindow

# Two-week windows are fixed pairs of weeks counted from this Monday. Pairing ISO
# week numbers (even/odd) would break in years with a week 53 (2026, 2032), where
# week 53 and the next week 1 are both odd; a fixed epoch never breaks.
TWO_WEEK_EPOCH = date(2001, 1, 1)  # a Monday

# Weeks between deliveries for the "every n weeks" frequencies.
_INTERVAL_WEEKS: dict[Frequency, int] = {
    Frequency.EVERY_2_WEEKS: 2,
    Frequency.EVERY_3_WEEKS: 3,
    # 002 says "hver 5.-6. uge" (foot care); 5 is the shorter interval, so the time
    # frame is never understated for the citizen and a deviation is never hidden.
    Frequency.EVERY_5_6_WEEKS: 5,
}


@dataclass(frozen=True)
class CatalogueService:
    """One service of the municipality's catalogue (kvalitetsstandard, 002)."""

    code: str
    category: ServiceCategory
    swappable: bool  # 002 "Borgerens mulighed for at bytte" (rule 9)
    flexible_only: bool  # offered only through flexible home help / klippekort (rule 10)
    within_service_level: bool  # False: outside the municipal service level (rule 2)
    default_minutes: int  # placeholder minutes; each municipality sets its own (DOMAIN.md)


@dataclass(frozen=True)
class GrantedService:
    """One service of a citizen's decision: how many minutes, how often, from when."""

    service_code: str
    minutes_per_delivery: int
    frequency: Frequency
    weekdays: tuple[int, ...] = ()  # 0 = Monday; for WEEKLY, one entry per delivery
    # Keyword-only: every grant has a start, and a date after a defaulted field must be named.
    _: KW_ONLY
    start: date
    end: date | None = None  # set for a temporary grant (003 "Midlertidig indsats")

    def is_active_on(self, day: date) -> bool:
        """Tell whether the grant covers ``day`` (start and end inclusive)."""
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class PlannedDelivery:
    """One planned delivery of a granted service, as the provider's plan has it."""

    day: date
    service_code: str
    minutes: int


def deliveries_per_week(granted: GrantedService) -> Fraction:
    """Return the average number of deliveries a week, exact."""
    if granted.frequency is Frequency.DAILY:
        return Fraction(7)
    if granted.frequency is Frequency.WEEKLY:
        # The weekdays list one entry per delivery; a weekly grant without days is once.
        return Fraction(len(granted.weekdays) or 1)
    return Fraction(1, _INTERVAL_WEEKS[granted.frequency])


def visit_time_frame(planned: Iterable[tuple[str, int]]) -> int:
    """Return the time frame of one visit: its planned (service_code, minutes), summed."""
    # Negative minutes are a data error; they must not shrink the citizen's frame.
    return sum(max(0, minutes) for _, minutes in planned)


def window_bounds(window: SwapWindow, on: date) -> tuple[date, date]:
    """Return the first and last day (inclusive) of the window containing ``on``.

    VISIT is the day itself; WEEK is the ISO week (Monday-Sunday); TWO_WEEKS is
    the fixed pair of weeks, counted from TWO_WEEK_EPOCH, that contains ``on``.
    """
    if window is SwapWindow.VISIT:
        return on, on
    monday = on - timedelta(days=on.weekday())
    if window is SwapWindow.WEEK:
        return monday, monday + timedelta(days=6)
    weeks_since_epoch = (monday - TWO_WEEK_EPOCH).days // 7
    first = monday - timedelta(weeks=weeks_since_epoch % 2)
    return first, first + timedelta(days=13)


def scheduled_days(granted: GrantedService, first: date, last: date) -> list[date]:
    """Return the days in [first, last] a grant is delivered by its frequency, active only.

    Used when no provider plan is given. DAILY is every day; WEEKLY is on the listed
    weekdays (the start's weekday when none are listed); every n weeks is on the first
    listed weekday (or the start's) of every n-th week, counting the start's week as
    the first delivery week.
    """
    if last < first:
        return []
    days_on: tuple[int, ...]
    if granted.frequency is Frequency.DAILY:
        days_on = tuple(range(7))
    elif granted.weekdays:
        days_on = tuple(sorted(set(granted.weekdays)))
    else:
        days_on = (granted.start.weekday(),)
    interval = _INTERVAL_WEEKS.get(granted.frequency, 1)
    if interval > 1:
        days_on = days_on[:1]
    start_monday = granted.start - timedelta(days=granted.start.weekday())
    result: list[date] = []
    day = first
    while day <= last:
        weeks = (day - timedelta(days=day.weekday()) - start_monday).days // 7
        if day.weekday() in days_on and weeks % interval == 0 and granted.is_active_on(day):
            result.append(day)
        day += timedelta(days=1)
    return result


def window_time_frame(
    granted: Iterable[GrantedService],
    window: SwapWindow,
    on: date,
    planned_visits: Iterable[PlannedDelivery] | None = None,
) -> int:
    """Return the time frame in minutes of the window containing ``on``.

    With ``planned_visits`` (the provider's plan) the frame is the sum of the planned
    minutes in the window whose service is granted and active on that day; planned
    minutes of a service not granted then are not part of the frame. Without a plan
    the frame follows each grant's frequency (see ``scheduled_days``). For the VISIT
    window this is the whole day; when a day has several visits, use
    ``visit_time_frame`` with the services of the one visit instead.
    """
    grants = list(granted)
    first, last = window_bounds(window, on)
    if planned_visits is not None:
        total = 0
        for delivery in planned_visits:
            if not first <= delivery.day <= last:
                continue
            if any(
                g.service_code == delivery.service_code and g.is_active_on(delivery.day)
                for g in grants
            ):
                total += max(0, delivery.minutes)
        return total
    return sum(max(0, g.minutes_per_delivery) * len(scheduled_days(g, first, last)) for g in grants)
