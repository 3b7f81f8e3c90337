"""The provider report's rules (issues 11 and 12): rates per 100 visits of each law, a
priority's day, and the comparison with the municipality in words."""

from __future__ import annotations

from datetime import date

import pytest

from selvvisitation.domain.supervision_figures import (
    Comparison,
    compare,
    per_100,
    priority_day,
    stands_out,
)


@pytest.mark.parametrize(
    ("count", "visits", "rate"),
    [(0, 10, 0.0), (3, 3, 100.0), (1, 3, 33.3), (2, 3, 66.7), (4, 7, 57.1), (5, 0, None)],
)
def test_a_rate_is_per_100_visits_to_one_decimal_and_none_without_visits(count, visits, rate):
    assert per_100(count, visits) == rate


@pytest.mark.parametrize(
    ("rate", "municipality", "expected", "why"),
    [
        (100.0, 100.0, Comparison.SAME, "equal"),
        (120.0, 100.0, Comparison.SAME, "20 % above: still as the municipality"),
        (120.1, 100.0, Comparison.HIGHER, "just over 20 % above"),
        (80.0, 100.0, Comparison.SAME, "20 % below"),
        (79.9, 100.0, Comparison.LOWER, "just over 20 % below"),
        (1.0, 0.0, Comparison.SAME, "one per 100 visits is within the absolute margin"),
        (1.1, 0.0, Comparison.HIGHER, "more than one per 100 visits above nothing"),
        (4.0, 3.0, Comparison.SAME, "20 % of 3 is under 1: the 1-point margin holds"),
        (4.1, 3.0, Comparison.HIGHER, "over the 1-point margin"),
        (1.9, 3.0, Comparison.LOWER, "1.1 below"),
        (0.0, 0.0, Comparison.SAME, "nothing at either"),
        (None, 12.5, Comparison.NO_VISITS, "the provider had no visits of this kind"),
        (None, None, Comparison.NO_VISITS, "nobody had"),
    ],
)
def test_the_comparison_in_words_has_a_tolerance_of_20_percent_or_1_per_100_visits(
    rate, municipality, expected, why
):
    """Issue 12: the report says "Højere end kommunen", "Som kommunen" or "Lavere end
    kommunen" so the reader need not compare the two numbers herself."""
    assert compare(rate, municipality) is expected, why


@pytest.mark.parametrize(
    ("count", "rate", "municipality", "expected"),
    [
        (4, 400.0, 57.1, True),
        (2, 200.0, 100.0, True),  # exactly twice
        (2, 199.9, 100.0, False),
        (1, 100.0, 10.0, False),  # a single event never stands out
        (3, None, 10.0, False),
    ],
)
def test_what_stands_out_is_at_least_twice_the_municipality_and_more_than_one_event(
    count, rate, municipality, expected
):
    assert stands_out(count, rate, municipality) is expected


def test_a_priority_counts_on_its_visits_day_else_on_the_day_it_was_answered():
    # docs/aeldreloven.md, "Priorities not met": "its day is its visit's day, or the answer
    # day for a standing one".
    assert priority_day(date(2026, 3, 2), date(2026, 3, 4)) == date(2026, 3, 2)
    assert priority_day(None, date(2026, 3, 4)) == date(2026, 3, 4)
