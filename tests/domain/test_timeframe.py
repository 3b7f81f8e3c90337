"""Tests of the time frame (tidsramme), rule 4 (DOMAIN.md; seed 004 §1.3.3, 002 §8)."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selvvisitation.domain.timeframe import (
    TWO_WEEK_EPOCH,
    GrantedService,
    PlannedDelivery,
    deliveries_per_week,
    scheduled_days,
    visit_time_frame,
    window_bounds,
    window_time_frame,
)
from selvvisitation.domain.types import Frequency, SwapWindow

MONDAY = date(2026, 3, 2)  # ISO week 10 of 2026


def grant(
    code: str = "bad",
    minutes: int = 30,
    frequency: Frequency = Frequency.WEEKLY,
    weekdays: tuple[int, ...] = (0,),
    start: date = date(2026, 1, 5),
    end: date | None = None,
) -> GrantedService:
    """Build a grant with sensible defaults for these tests."""
    return GrantedService(code, minutes, frequency, weekdays, start=start, end=end)


@pytest.mark.parametrize(
    ("frequency", "weekdays", "expected"),
    [
        (Frequency.DAILY, (), Fraction(7)),
        (Frequency.WEEKLY, (), Fraction(1)),
        (Frequency.WEEKLY, (1,), Fraction(1)),
        (Frequency.WEEKLY, (0, 2, 4), Fraction(3)),
        (Frequency.WEEKLY, (0, 1, 2, 3, 4), Fraction(5)),
        (Frequency.EVERY_2_WEEKS, (), Fraction(1, 2)),
        (Frequency.EVERY_3_WEEKS, (), Fraction(1, 3)),
        (Frequency.EVERY_5_6_WEEKS, (), Fraction(1, 5)),
    ],
)
def test_deliveries_per_week(
    frequency: Frequency, weekdays: tuple[int, ...], expected: Fraction
) -> None:
    """Seed 002 frequencies as exact weekly rates; 'every 5-6 weeks' counts as every 5."""
    assert deliveries_per_week(grant(frequency=frequency, weekdays=weekdays)) == expected


def test_grant_is_active_from_start_to_end_inclusive() -> None:
    """Seed 003 'Midlertidig indsats': a temporary grant covers its stated period only."""
    temporary = grant(start=date(2026, 3, 2), end=date(2026, 3, 15))
    assert not temporary.is_active_on(date(2026, 3, 1))
    assert temporary.is_active_on(date(2026, 3, 2))
    assert temporary.is_active_on(date(2026, 3, 15))
    assert not temporary.is_active_on(date(2026, 3, 16))
    assert grant(end=None).is_active_on(date(2099, 1, 1))


def test_grant_start_must_be_named() -> None:
    """A grant always has a start; it is keyword-only so it cannot be passed by accident."""
    with pytest.raises(TypeError):
        GrantedService("bad", 30, Frequency.DAILY, (), date(2026, 1, 1))  # type: ignore[misc]


def test_visit_time_frame_sums_planned_minutes() -> None:
    """Rule 4 at one visit: the frame is the planned minutes of that visit."""
    assert visit_time_frame([("bad", 30), ("opvask", 10)]) == 40
    assert visit_time_frame([]) == 0


def test_visit_time_frame_ignores_negative_minutes() -> None:
    """Bad data must not shrink the citizen's time frame."""
    assert visit_time_frame([("bad", 30), ("fejl", -10)]) == 30


@pytest.mark.parametrize(
    ("window", "on", "expected"),
    [
        (SwapWindow.VISIT, date(2026, 3, 4), (date(2026, 3, 4), date(2026, 3, 4))),
        (SwapWindow.WEEK, date(2026, 3, 4), (date(2026, 3, 2), date(2026, 3, 8))),
        (SwapWindow.WEEK, date(2026, 3, 8), (date(2026, 3, 2), date(2026, 3, 8))),
        (SwapWindow.WEEK, date(2026, 1, 1), (date(2025, 12, 29), date(2026, 1, 4))),
    ],
)
def test_window_bounds(window: SwapWindow, on: date, expected: tuple[date, date]) -> None:
    """Rule 4 windows: the day, or the ISO week Monday to Sunday."""
    assert window_bounds(window, on) == expected


def test_two_week_windows_are_fixed_pairs_across_a_53_week_year() -> None:
    """ISO 2026 has a week 53; the fixed epoch keeps pairs alternating through it."""
    assert date(2026, 12, 28).isocalendar().week == 53
    firsts = {
        window_bounds(SwapWindow.TWO_WEEKS, date(2026, 12, 1) + timedelta(days=i))[0]
        for i in range(70)
    }
    ordered = sorted(firsts)
    assert all((b - a).days == 14 for a, b in zip(ordered, ordered[1:], strict=False))


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2100, 1, 1)))
def test_two_week_window_contains_the_day_and_starts_on_an_epoch_aligned_monday(on: date) -> None:
    """Every two-week window is 14 days, starts on a Monday, and is aligned to the epoch."""
    first, last = window_bounds(SwapWindow.TWO_WEEKS, on)
    assert first <= on <= last
    assert (last - first).days == 13
    assert first.weekday() == 0
    assert (first - TWO_WEEK_EPOCH).days % 14 == 0


def test_every_two_weeks_schedule_counts_from_the_start_week() -> None:
    """Seed 002: light cleaning every 14 days; the start week is a delivery week."""
    cleaning = grant(frequency=Frequency.EVERY_2_WEEKS, weekdays=(2,), start=date(2026, 3, 2))
    assert scheduled_days(cleaning, date(2026, 3, 1), date(2026, 3, 31)) == [
        date(2026, 3, 4),
        date(2026, 3, 18),
    ]


def test_weekly_schedule_without_weekdays_uses_the_start_weekday() -> None:
    """A weekly grant with no listed weekday is delivered on its start's weekday."""
    shopping = grant(weekdays=(), start=date(2026, 3, 5))
    assert scheduled_days(shopping, MONDAY, MONDAY + timedelta(days=13)) == [
        date(2026, 3, 5),
        date(2026, 3, 12),
    ]


def test_week_frame_from_grants_counts_each_delivery() -> None:
    """Rule 4, WEEK window: daily 20 min (7 times) plus 30 min twice a week."""
    grants = [
        grant("morgen", 20, Frequency.DAILY, ()),
        grant("rengøring", 30, Frequency.WEEKLY, (1, 3)),
    ]
    assert window_time_frame(grants, SwapWindow.WEEK, MONDAY + timedelta(days=3)) == 140 + 60


def test_frame_excludes_days_after_a_temporary_grant_ends() -> None:
    """Seed 003 'Midlertidig indsats': a grant ending Wednesday adds nothing after Wednesday."""
    grants = [grant("bad", 20, Frequency.DAILY, (), end=MONDAY + timedelta(days=2))]
    assert window_time_frame(grants, SwapWindow.WEEK, MONDAY) == 60


def test_frame_excludes_a_grant_not_yet_started() -> None:
    """A grant starting next week adds nothing to this week."""
    grants = [grant("bad", 20, Frequency.DAILY, (), start=MONDAY + timedelta(days=7))]
    assert window_time_frame(grants, SwapWindow.WEEK, MONDAY) == 0


def test_two_week_frame_holds_one_fortnightly_delivery() -> None:
    """Rule 4, TWO_WEEKS window: a fortnightly service is counted once per window."""
    cleaning = grant("rengøring", 60, Frequency.EVERY_2_WEEKS, (0,), start=date(2026, 1, 5))
    for offset in range(0, 70, 7):
        on = date(2026, 1, 5) + timedelta(days=offset)
        assert window_time_frame([cleaning], SwapWindow.TWO_WEEKS, on) == 60


def test_visit_window_is_the_day() -> None:
    """Rule 4, VISIT window without a plan: the grants scheduled that day."""
    grants = [grant("bad", 30, Frequency.WEEKLY, (0,)), grant("indkøb", 25, Frequency.WEEKLY, (1,))]
    assert window_time_frame(grants, SwapWindow.VISIT, MONDAY) == 30
    assert window_time_frame(grants, SwapWindow.VISIT, MONDAY + timedelta(days=1)) == 25


def test_planned_visits_win_over_the_schedule_and_skip_inactive_or_ungranted() -> None:
    """With a provider's plan, only planned minutes of services granted and active count."""
    grants = [grant("bad", 30, end=MONDAY + timedelta(days=1)), grant("indkøb", 25)]
    plan = [
        PlannedDelivery(MONDAY, "bad", 35),  # counts: granted and active
        PlannedDelivery(MONDAY + timedelta(days=3), "bad", 30),  # grant has ended
        PlannedDelivery(MONDAY + timedelta(days=1), "indkøb", 25),  # counts
        PlannedDelivery(MONDAY + timedelta(days=2), "gåtur", 30),  # not granted
        PlannedDelivery(MONDAY + timedelta(days=7), "indkøb", 25),  # next week
    ]
    assert window_time_frame(grants, SwapWindow.WEEK, MONDAY, planned_visits=plan) == 60
