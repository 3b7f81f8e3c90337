"""Tests of revisitation flags: rule 7 (004 §1.3.3, 002 §8) and seed 003's deviation rule."""

from __future__ import annotations

import json
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selvvisitation.domain.flags import (
    DeliveryFigure,
    Deselection,
    FlagFinding,
    deselection_findings,
    deviates,
    finding_key,
    time_deviation_finding,
)
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.types import FlagRule

AS_OF = date(2026, 6, 30)
MONDAY = date(2026, 3, 2)
POLICY = Policy()


def deselected(days_ago: int, code: str = "støvsugning", ref: str | None = None) -> Deselection:
    """A deselection ``days_ago`` days before AS_OF."""
    return Deselection(AS_OF - timedelta(days=days_ago), code, ref or f"v{days_ago}")


# --- rule 7: repeated deselection ---------------------------------------------------------


def test_three_deselections_in_90_days_raise_a_flag() -> None:
    """Rule 7 (004 §1.3.3, 002 §8): repeated deselection asks the visitator to reassess."""
    [finding] = deselection_findings(
        [deselected(80), deselected(40), deselected(0)], POLICY, as_of=AS_OF
    )
    assert finding.rule is FlagRule.REPEATED_DESELECTION
    assert finding.service_code == "støvsugning"
    assert (finding.period_start, finding.period_end) == (AS_OF - timedelta(days=80), AS_OF)
    assert finding.evidence["visit_refs"] == ["v80", "v40", "v0"]
    assert finding.evidence["threshold_count"] == 3
    assert finding.key == "repeated_deselection:støvsugning"
    json.dumps(finding.evidence)


def test_two_deselections_are_not_enough() -> None:
    """Rule 7: below the policy's count there is no flag."""
    assert deselection_findings([deselected(10), deselected(0)], POLICY, as_of=AS_OF) == []


@pytest.mark.parametrize(("oldest", "flagged"), [(89, True), (90, False)])
def test_window_is_the_last_90_days_including_as_of(oldest: int, flagged: bool) -> None:
    """Rule 7 window: 90 days ending on as_of; day 90 back is outside."""
    found = deselection_findings(
        [deselected(oldest), deselected(5), deselected(0)], POLICY, as_of=AS_OF
    )
    assert bool(found) is flagged


def test_deselections_after_as_of_are_ignored() -> None:
    """Future-dated records are not evidence yet."""
    found = deselection_findings(
        [deselected(10), deselected(0), deselected(-1)], POLICY, as_of=AS_OF
    )
    assert found == []


def test_counts_are_per_service() -> None:
    """Rule 7 speaks of the same granted service; different services do not add up."""
    items = [deselected(3, "bad"), deselected(2, "støvsugning"), deselected(1, "indkøb")]
    assert deselection_findings(items, POLICY, as_of=AS_OF) == []


def test_one_visit_counts_once_per_service() -> None:
    """Two drop lines of the same service at one visit are one deselection."""
    items = [deselected(3, ref="a"), deselected(3, ref="a"), deselected(1, ref="b")]
    assert deselection_findings(items, POLICY, as_of=AS_OF) == []


def test_dismissed_flag_is_not_raised_again_by_the_same_evidence() -> None:
    """Rule 7 with a visitator's dismissal: only deselections strictly after it count."""
    items = [deselected(30), deselected(20), deselected(10), deselected(5), deselected(0)]
    dismissed = {"støvsugning": AS_OF - timedelta(days=10)}
    assert deselection_findings(items, POLICY, as_of=AS_OF, counted_after=dismissed) == []
    items.append(deselected(0, ref="v0b"))
    [finding] = deselection_findings(items, POLICY, as_of=AS_OF, counted_after=dismissed)
    assert finding.evidence["visit_refs"] == ["v5", "v0", "v0b"]
    assert finding.evidence["counted_after"] == dismissed["støvsugning"].isoformat()


def test_policy_thresholds_are_used() -> None:
    """Rule 7 is configurable per municipality."""
    policy = Policy(deselection_threshold_count=2, deselection_threshold_days=7)
    assert deselection_findings([deselected(6), deselected(0)], policy, as_of=AS_OF)
    assert not deselection_findings([deselected(7), deselected(0)], policy, as_of=AS_OF)


def test_findings_are_sorted_by_service() -> None:
    """Stable order for the visitator's list."""
    items = [deselected(d, code) for code in ("indkøb", "bad") for d in (0, 1, 2)]
    found = deselection_findings(items, POLICY, as_of=AS_OF)
    assert [f.service_code for f in found] == ["bad", "indkøb"]


# --- 003: time deviation -------------------------------------------------------------------


def weekly(granted: int, delivered: int, weeks: int, start: date = MONDAY) -> list[DeliveryFigure]:
    """One delivery a week for ``weeks`` weeks."""
    return [
        DeliveryFigure(start + timedelta(weeks=i), granted, delivered, f"w{i}")
        for i in range(weeks)
    ]


def weekdays(granted: int, delivered: int, weeks: int) -> list[DeliveryFigure]:
    """Five deliveries a week (Monday to Friday) for ``weeks`` weeks."""
    return [
        DeliveryFigure(MONDAY + timedelta(weeks=w, days=d), granted, delivered, f"w{w}d{d}")
        for w in range(weeks)
        for d in range(5)
    ]


def test_seed_003_example_5_to_20_minutes_once_a_week_is_flagged() -> None:
    """Seed 003 'Løbende justering/revisitation' example 1: 15 min per delivery."""
    finding = time_deviation_finding("bad", weekly(5, 20, 4), deliveries_per_week=1, policy=POLICY)
    assert finding is not None
    assert finding.evidence["change_per_delivery_minutes"] == 15
    assert finding.evidence["weekly_change_minutes"] == 15
    assert finding.evidence["direction"] == "more"
    assert finding.key == "time_deviation:bad"


def test_seed_003_example_5_to_10_minutes_five_times_a_week_is_flagged() -> None:
    """Seed 003 'Løbende justering/revisitation' example 2: 25 min per week."""
    finding = time_deviation_finding(
        "medicin", weekdays(5, 10, 4), deliveries_per_week=5, policy=POLICY
    )
    assert finding is not None
    assert finding.evidence["change_per_delivery_minutes"] == 5
    assert finding.evidence["weekly_change_minutes"] == 25


def test_seed_003_counter_example_5_to_9_minutes_once_a_week_is_not_flagged() -> None:
    """Seed 003: under 10 min per delivery and under 20 min a week is not adjusted."""
    figures = weekly(5, 9, 8)
    assert all(deviates(f, 10) for f in figures)  # 80 % deviates, yet too small to matter
    assert time_deviation_finding("bad", figures, deliveries_per_week=1, policy=POLICY) is None


@pytest.mark.parametrize(
    ("granted", "delivered", "deviating"),
    [
        (100, 110, False),  # exactly +10 %
        (100, 90, False),  # exactly -10 %
        (100, 111, True),
        (100, 89, True),
        (30, 33, False),
        (30, 34, True),
        (0, 1, True),  # nothing granted: any delivered time deviates
        (0, 0, False),
    ],
)
def test_deviation_is_more_than_10_percent(granted: int, delivered: int, deviating: bool) -> None:
    """Seed 003: the deviation 'må ikke overstige +/- 10 %'; exactly 10 % is within."""
    figure = DeliveryFigure(MONDAY, granted, delivered, "v")
    assert deviates(figure, 10) is deviating


def test_exactly_10_percent_is_never_flagged() -> None:
    """Seed 003 boundary: +10 % over a long period is not a deviation at all."""
    figures = weekdays(200, 220, 6)  # +20 min per delivery, 100 a week, but only 10 %
    assert time_deviation_finding("x", figures, deliveries_per_week=5, policy=POLICY) is None


@pytest.mark.parametrize(
    ("delivered", "flagged"),
    [(40, True), (39, False)],  # +10 min per delivery once a week vs +9
)
def test_exactly_10_minutes_per_delivery_is_flagged(delivered: int, flagged: bool) -> None:
    """Seed 003: 'mindre end 10 minutter' is not adjusted, so exactly 10 is."""
    figures = weekly(30, delivered, 4)
    found = time_deviation_finding("x", figures, deliveries_per_week=1, policy=POLICY)
    assert (found is not None) is flagged


@pytest.mark.parametrize(
    ("delivered", "per_week", "flagged"),
    [(14, Fraction(5), True), (14, Fraction(19, 4), False)],
)
def test_exactly_20_minutes_per_week_is_flagged(
    delivered: int, per_week: Fraction, flagged: bool
) -> None:
    """Seed 003: 'mindre end 20 min i gennemsnit pr. uge' is not adjusted; exactly 20 is."""
    figures = weekdays(10, delivered, 4)  # +4 min per delivery: 20 or 19 a week
    found = time_deviation_finding("x", figures, deliveries_per_week=per_week, policy=POLICY)
    assert (found is not None) is flagged


@pytest.mark.parametrize(("span_days", "flagged"), [(14, False), (15, True)])
def test_more_than_14_days_is_needed(span_days: int, flagged: bool) -> None:
    """Seed 003: 'for en periode på mere end 14 dage'; 14 days is not enough, 15 is."""
    figures = [
        DeliveryFigure(MONDAY, 5, 20, "first"),
        DeliveryFigure(MONDAY + timedelta(days=span_days), 5, 20, "last"),
    ]
    found = time_deviation_finding("x", figures, deliveries_per_week=1, policy=POLICY)
    assert (found is not None) is flagged
    if found:
        assert found.evidence["days_covered"] == span_days


def test_only_the_latest_unbroken_run_counts() -> None:
    """A delivery on time breaks the run: older deviations are not part of the evidence."""
    figures = [
        *weekly(5, 20, 4),
        DeliveryFigure(MONDAY + timedelta(weeks=4), 5, 5, "on-time"),
        *weekly(5, 20, 2, start=MONDAY + timedelta(weeks=5)),
    ]
    assert time_deviation_finding("x", figures, deliveries_per_week=1, policy=POLICY) is None


def test_direction_change_breaks_the_run() -> None:
    """More time then less time is not one sustained change (003: composition changed)."""
    figures = [*weekly(30, 10, 3), *weekly(30, 50, 2, start=MONDAY + timedelta(weeks=3))]
    assert time_deviation_finding("x", figures, deliveries_per_week=1, policy=POLICY) is None


def test_less_time_is_flagged_too() -> None:
    """Seed 003: ±10 %; the citizen may need less help (002: changes 'for better')."""
    finding = time_deviation_finding("x", weekly(30, 15, 4), deliveries_per_week=1, policy=POLICY)
    assert finding is not None
    assert finding.evidence["direction"] == "less"
    assert finding.evidence["change_per_delivery_minutes"] == -15


def test_change_per_delivery_is_the_mean_over_the_run() -> None:
    """Seed 003: the per-delivery change is the mean over the run, not the last or largest."""
    figures = [
        DeliveryFigure(MONDAY + timedelta(days=7 * i), 10, 10 + change, str(i))
        for i, change in enumerate((30, 2, 2, 6))
    ]
    finding = time_deviation_finding("x", figures, deliveries_per_week=1, policy=POLICY)
    assert finding is not None
    assert finding.evidence["change_per_delivery_minutes"] == 10  # (30+2+2+6)/4


def test_mean_under_both_thresholds_is_not_flagged() -> None:
    """Seed 003: a mean of 8 per delivery once a week is under 10 and 20, despite one +20."""
    figures = [
        DeliveryFigure(MONDAY + timedelta(days=7 * i), 10, 10 + change, str(i))
        for i, change in enumerate((20, 2, 8, 2))
    ]
    assert time_deviation_finding("x", figures, deliveries_per_week=1, policy=POLICY) is None


def test_dismissal_date_excludes_old_evidence() -> None:
    """A dismissed flag is not raised again by the same evidence, only by new deliveries."""
    figures = weekly(5, 20, 6)
    dismissed = figures[3].day
    assert (
        time_deviation_finding(
            "x", figures, deliveries_per_week=1, policy=POLICY, counted_after=dismissed
        )
        is None
    )
    # Two new deliveries: with the two after the dismissal they span 21 days.
    more = [*figures, *weekly(5, 20, 2, start=figures[-1].day + timedelta(days=7))]
    found = time_deviation_finding(
        "x", more, deliveries_per_week=1, policy=POLICY, counted_after=dismissed
    )
    assert found is not None
    assert found.period_start > dismissed


def test_float_deliveries_per_week_are_accepted() -> None:
    """The caller may pass a float rate such as 0.2 (every 5 weeks)."""
    figures = [DeliveryFigure(MONDAY + timedelta(weeks=5 * i), 30, 45, str(i)) for i in range(3)]
    finding = time_deviation_finding("fod", figures, deliveries_per_week=0.2, policy=POLICY)
    assert finding is not None  # 15 per delivery
    assert finding.evidence["weekly_change_minutes"] == 3


def test_evidence_is_json_serialisable_and_names_thresholds() -> None:
    """The DB stores the evidence as JSON; the visitator sees the thresholds used."""
    finding = time_deviation_finding("x", weekly(5, 20, 4), deliveries_per_week=1, policy=POLICY)
    assert isinstance(finding, FlagFinding)
    json.dumps(finding.evidence)
    assert finding.evidence["thresholds"] == {
        "percent": 10,
        "min_per_delivery": 10,
        "min_per_week": 20,
        "sustained_days": 14,
    }
    assert finding.evidence["visit_refs"] == ["w0", "w1", "w2", "w3"]


def test_no_figures_no_finding() -> None:
    """Nothing delivered yet, nothing to flag."""
    assert time_deviation_finding("x", [], deliveries_per_week=1, policy=POLICY) is None


def test_key_is_stable_per_rule_and_service() -> None:
    """The DB layer upserts on the key, so it must not depend on dates or evidence."""
    assert finding_key(FlagRule.TIME_DEVIATION, "bad") == "time_deviation:bad"
    early = time_deviation_finding("bad", weekly(5, 20, 4), deliveries_per_week=1, policy=POLICY)
    late = time_deviation_finding("bad", weekly(5, 20, 9), deliveries_per_week=1, policy=POLICY)
    assert early is not None and late is not None
    assert early.key == late.key


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=120),
            st.integers(min_value=0, max_value=200),
            st.integers(min_value=0, max_value=120),
        ),
        max_size=15,
    ),
    st.sampled_from([Fraction(1, 5), Fraction(1), Fraction(5), Fraction(7)]),
)
def test_a_finding_always_meets_every_threshold(
    rows: list[tuple[int, int, int]], per_week: Fraction
) -> None:
    """Seed 003 as a property: a finding is sustained, deviating and large enough."""
    figures = [
        DeliveryFigure(MONDAY + timedelta(days=day), granted, delivered, str(i))
        for i, (day, granted, delivered) in enumerate(rows)
    ]
    finding = time_deviation_finding("x", figures, deliveries_per_week=per_week, policy=POLICY)
    if finding is None:
        return
    assert (finding.period_end - finding.period_start).days > 14
    assert all(
        abs(f["delivered_minutes"] - f["granted_minutes"]) * 100 > 10 * f["granted_minutes"]
        for f in finding.evidence["figures"]  # type: ignore[attr-defined]
    )
    per_delivery = abs(finding.evidence["change_per_delivery_minutes"])  # type: ignore[arg-type]
    weekly_change = abs(finding.evidence["weekly_change_minutes"])  # type: ignore[arg-type]
    assert per_delivery >= 10 or weekly_change >= 20
