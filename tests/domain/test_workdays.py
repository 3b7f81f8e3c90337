"""Tests of working days (hverdage) for the deadlines of seed 002."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selvvisitation.domain.workdays import (
    OPTIONAL_DAYS_OFF,
    add_working_days,
    is_working_day,
    public_holidays,
    working_days_between,
)


@pytest.mark.parametrize("year", range(1950, 2101))
def test_the_calendar_matches_the_holidays_librarys_danish_one(year: int) -> None:
    """DOMAIN.md 'hverdage' (Danish public holidays): our calendar is the ``holidays``
    library's Danish one, public category, every year from 1950 to 2100; of its optional
    category, 5 June, 24 and 31 December are the days deadline practice keeps off."""
    import holidays

    public = holidays.country_holidays("DK", years=year, categories=("public",))
    assert public_holidays(year) == frozenset(public)
    optional = holidays.country_holidays("DK", years=year, categories=("optional",))
    assert {(d.month, d.day) for d in optional} == {*OPTIONAL_DAYS_OFF, (5, 1)}


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 1, 1), "Nytårsdag"),
        (date(2026, 4, 2), "Skærtorsdag"),
        (date(2026, 4, 3), "Langfredag"),
        (date(2026, 4, 6), "2. påskedag"),
        (date(2026, 5, 14), "Kristi himmelfartsdag"),
        (date(2026, 5, 25), "2. pinsedag"),
        (date(2026, 12, 25), "1. juledag"),
        (date(2025, 12, 26), "2. juledag"),
        (date(2023, 5, 5), "Store bededag 2023, the last one"),
    ],
)
def test_public_holidays_on_weekdays_are_not_working_days(day: date, name: str) -> None:
    """DOMAIN.md 'hverdage': public holidays are not working days, whatever the policy."""
    assert day.weekday() < 5, name
    assert not is_working_day(day)
    assert not is_working_day(day, optional_holidays_are_working_days=True)


@pytest.mark.parametrize("day", [date(2024, 4, 26), date(2025, 5, 16)])
def test_store_bededag_is_a_working_day_from_2024(day: date) -> None:
    """Store bededag was abolished from 2024; the library follows the law."""
    assert is_working_day(day)


def test_store_bededag_2026_would_have_been_friday_1_may() -> None:
    """4th Friday after Easter 2026 is 1 May: a working day now for two reasons."""
    easter_2026 = date(2026, 4, 5)
    assert easter_2026 + timedelta(days=26) == date(2026, 5, 1)
    assert is_working_day(date(2026, 5, 1))


@pytest.mark.parametrize(
    "day",
    [date(2026, 6, 5), date(2025, 12, 24), date(2025, 12, 31), date(2024, 6, 5)],
)
def test_grundlovsdag_and_christmas_and_new_years_eve_follow_the_policy(day: date) -> None:
    """Grundlovsdag, 24 and 31 Dec are days off by default and working days when chosen."""
    assert not is_working_day(day)
    assert is_working_day(day, optional_holidays_are_working_days=True)


def test_workers_day_is_a_working_day_either_way() -> None:
    """1 May is in the library's optional category, but not a day off in deadline practice."""
    assert is_working_day(date(2025, 5, 1))
    assert is_working_day(date(2025, 5, 1), optional_holidays_are_working_days=True)


@pytest.mark.parametrize("day", [date(2026, 4, 4), date(2026, 4, 5), date(2026, 3, 1)])
def test_weekends_are_not_working_days(day: date) -> None:
    """Saturdays and Sundays are never hverdage."""
    assert not is_working_day(day)


def test_ordinary_weekday_is_a_working_day() -> None:
    """A plain Tuesday counts."""
    assert is_working_day(date(2026, 3, 31))


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 3, 30), 0, date(2026, 3, 30)),
        (date(2026, 3, 30), 1, date(2026, 3, 31)),
        (date(2026, 3, 27), 5, date(2026, 4, 8)),  # Easter eats Thu, Fri and Mon
        (date(2026, 4, 1), 1, date(2026, 4, 7)),  # Skærtorsdag to 2. påskedag skipped
        (date(2026, 5, 13), 1, date(2026, 5, 15)),  # Kr. himmelfart skipped
        (date(2026, 5, 22), 1, date(2026, 5, 26)),  # weekend and 2. pinsedag skipped
        (date(2026, 4, 4), 0, date(2026, 4, 4)),  # n = 0 never moves, even off a Saturday
        (date(2026, 4, 4), 1, date(2026, 4, 7)),  # start on a holiday weekend
        (date(2026, 4, 8), -1, date(2026, 4, 7)),
        (date(2026, 4, 7), -1, date(2026, 4, 1)),  # backwards over Easter
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    """002: 'within 5 working days after the grant' counts from the day after start."""
    assert add_working_days(start, n) == expected


def test_add_working_days_over_christmas_depends_on_the_policy() -> None:
    """24 Dec 2025 (Wednesday) is skipped by default and counted when the policy says so."""
    assert add_working_days(date(2025, 12, 23), 1) == date(2025, 12, 29)
    assert add_working_days(date(2025, 12, 23), 1, optional_holidays_are_working_days=True) == date(
        2025, 12, 24
    )


def test_add_working_days_over_new_year() -> None:
    """Year boundary: 31 Dec and 1 Jan both skipped; calendars of two years are used."""
    assert add_working_days(date(2025, 12, 30), 1) == date(2026, 1, 2)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 3, 30), date(2026, 3, 30), 0),
        (date(2026, 3, 30), date(2026, 3, 31), 1),
        (date(2026, 3, 27), date(2026, 4, 8), 5),
        (date(2026, 4, 1), date(2026, 4, 6), 0),  # Thu..Mon all off
        (date(2026, 4, 8), date(2026, 3, 27), -5),  # reversed: negative
        (date(2026, 4, 6), date(2026, 4, 1), -1),  # end (Wed 1 Apr) counts, start does not
        (date(2026, 4, 7), date(2026, 4, 6), 0),
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    """Count after start up to and including end; negative when end is before start."""
    assert working_days_between(start, end) == expected


def test_working_days_between_grundlovsdag_both_ways() -> None:
    """Friday 5 June 2026 counts only when optional holidays are working days."""
    assert working_days_between(date(2026, 6, 4), date(2026, 6, 5)) == 0
    assert (
        working_days_between(
            date(2026, 6, 4), date(2026, 6, 5), optional_holidays_are_working_days=True
        )
        == 1
    )


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@given(start=days, n=st.integers(min_value=-40, max_value=40), optional=st.booleans())
def test_add_then_count_round_trips(start: date, n: int, optional: bool) -> None:
    """Counting the working days to add_working_days(start, n) gives n back."""
    end = add_working_days(start, n, optional_holidays_are_working_days=optional)
    assert working_days_between(start, end, optional_holidays_are_working_days=optional) == n
    if n:
        assert is_working_day(end, optional_holidays_are_working_days=optional)


@given(a=days, b=days)
def test_working_days_between_is_antisymmetric_between_working_days(a: date, b: date) -> None:
    """Swapping the ends flips the sign when both ends are working days."""
    if is_working_day(a) and is_working_day(b):
        assert working_days_between(a, b) == -working_days_between(b, a)


@given(a=days, b=days)
def test_working_days_between_counts_the_walk_from_start_to_end(a: date, b: date) -> None:
    """Brute force: the days passed over after start, end included, each signed by direction."""
    step = 1 if b >= a else -1
    walked = [a + timedelta(days=step * i) for i in range(1, abs((b - a).days) + 1)]
    assert working_days_between(a, b) == step * sum(is_working_day(d) for d in walked)
