"""Granted against delivered minutes week by week (the case page's chart)."""

from __future__ import annotations

from datetime import date

from selvvisitation.domain.weekly import MinutesRow, week_starts, weekly_series


def test_week_starts_are_the_mondays_ending_with_this_week():
    assert week_starts(date(2026, 3, 5), 3) == [
        date(2026, 2, 16),
        date(2026, 2, 23),
        date(2026, 3, 2),
    ]


def test_rows_are_summed_per_service_and_week():
    starts = week_starts(date(2026, 3, 5), 2)
    rows = [
        MinutesRow(1, date(2026, 2, 23), 30, 30),
        MinutesRow(1, date(2026, 2, 26), 30, 0),  # dropped
        MinutesRow(2, date(2026, 2, 26), 0, 25),  # done instead
        MinutesRow(1, date(2026, 3, 2), 30, None),  # not recorded yet
        MinutesRow(1, date(2026, 1, 1), 30, 30),  # outside the weeks
    ]

    series = weekly_series(rows, starts)

    assert [s.service_id for s in series] == [1, 2]
    first = series[0].weeks
    assert (first[0].granted, first[0].delivered, first[0].difference) == (60, 30, -30)
    assert (first[1].granted, first[1].delivered, first[1].unrecorded) == (30, 0, 1)
    assert series[1].weeks[0].delivered == 25
    assert series[0].highest == 60
    assert series[0].total_granted == 90


def test_an_empty_series_still_has_a_scale():
    assert weekly_series([], week_starts(date(2026, 3, 5), 2)) == []
