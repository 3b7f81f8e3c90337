"""Tests of the swap check, rules 1-6, 9 and 10 (DOMAIN.md; seeds 002 §8, 004 §1.3.3)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selvvisitation.domain.policy import Policy
from selvvisitation.domain.swaps import (
    MAX_LINE_MINUTES,
    NOTICES,
    VIOLATION_CODES,
    ProposedSwap,
    SwapCheckResult,
    SwapLine,
    VisitBooking,
    check_swap,
    explain_alternatives,
)
from selvvisitation.domain.timeframe import CatalogueService, GrantedService
from selvvisitation.domain.types import Frequency, ServiceCategory, SwapWindow

PC = ServiceCategory.PERSONAL_CARE
PH = ServiceCategory.PRACTICAL_HELP
VISIT_DAY = date(2026, 3, 2)  # a Monday
START = date(2026, 1, 5)


def service(
    code: str,
    category: ServiceCategory,
    minutes: int,
    *,
    swappable: bool = True,
    flexible_only: bool = False,
    within: bool = True,
) -> CatalogueService:
    """Build a catalogue entry; minutes are placeholders (DOMAIN.md: seeds give no minutes)."""
    return CatalogueService(code, category, swappable, flexible_only, within, minutes)


CATALOGUE: Mapping[str, CatalogueService] = {
    s.code: s
    for s in (
        service("bad", PC, 30),
        service("morgenpleje", PC, 20),
        service("støvsugning", PH, 30),
        service("rengøring_bad", PH, 20),
        service("køleskab", PH, 20),
        service("indkøb", PH, 25),
        # Rule 10 (002 Personlige opgaver ***): only through flexible home help.
        service("gåtur", PC, 30, swappable=False, flexible_only=True),
        service("strygning", PC, 15, swappable=False, flexible_only=True),
        # Rule 9 (002 rows "kan ikke byttes").
        service("nødkald", ServiceCategory.OTHER, 5, swappable=False),
        service("sygepleje", ServiceCategory.OTHER, 15, swappable=False),
        # Rule 2: a service outside the municipal service level.
        service("vinduespudsning", PH, 20, within=False),
    )
}


def grant(
    code: str, minutes: int, *, start: date = START, end: date | None = None
) -> GrantedService:
    """A weekly Monday grant."""
    return GrantedService(code, minutes, Frequency.WEEKLY, (0,), start=start, end=end)


# Granted practical help only.
PRACTICAL_ONLY = (grant("støvsugning", 30), grant("rengøring_bad", 20), grant("nødkald", 5))
# Granted both categories.
BOTH = (*PRACTICAL_ONLY, grant("bad", 30))


def line(code: str | None, minutes: int, text: str | None = None) -> SwapLine:
    """One swap line."""
    return SwapLine(code, minutes, text)


def check(
    drop: tuple[SwapLine, ...],
    add: tuple[SwapLine, ...],
    *,
    granted: tuple[GrantedService, ...] = BOTH,
    policy: Policy | None = None,
    window_minutes: int = 85,
    visit_date: date | None = VISIT_DAY,
    period: tuple[date, date] | None = None,
    already_swapped_in: int = 0,
    already_dropped: int = 0,
    today: date | None = None,
    bookings: tuple[VisitBooking, ...] = (),
) -> SwapCheckResult:
    """Run check_swap with this module's catalogue and defaults."""
    return check_swap(
        granted=granted,
        catalogue=CATALOGUE,
        policy=policy or Policy(),
        proposal=ProposedSwap(drop, add, visit_date=visit_date, period=period),
        window_minutes=window_minutes,
        already_swapped_in_minutes=already_swapped_in,
        already_dropped_minutes=already_dropped,
        today=today,
        visit_bookings=bookings,
    )


def test_seed_example_bathroom_cleaning_for_fridge_cleaning_is_allowed() -> None:
    """Rules 1 and 6 (002 §8): drop bathroom cleaning for the fridge; §90 notice shown."""
    result = check((line("rengøring_bad", 20),), (line("køleskab", 20),))
    assert result.allowed
    assert result.violations == ()
    assert (result.freed_minutes, result.used_minutes, result.remaining_minutes) == (20, 20, 0)
    assert "cannot_demand_later" in result.notices


# Rule 10 beside rule 3, the municipality's setting (issue 13): a task offered only through
# flexible home help has no grant of its own to cross from.
ONE_CATEGORY_ONLY = Policy(flexible_only_any_category=False)


def test_seed_example_vacuuming_for_a_walk_is_allowed_with_practical_help_only() -> None:
    """Rule 10 (002 Personlige opgaver ***) with seeds 002 §8 and 004 §1.3.3, whose headline
    example is "bytte støvsugning med en gåtur": the walk is offered only through flexible
    home help, so by default a citizen granted only practical help may choose it."""
    proposal = ((line("støvsugning", 30),), (line("gåtur", 30),))
    assert Policy().flexible_only_any_category is True
    assert check(*proposal, granted=PRACTICAL_ONLY).allowed
    assert check(*proposal, granted=BOTH).allowed


def test_vacuuming_for_a_walk_needs_both_categories_where_the_municipality_says_so() -> None:
    """Rule 3 (004 §1.3.3, 002 §8) with the setting off: a walk is personal care, vacuuming
    practical help, and the refusal names both categories (issue 13)."""
    proposal = ((line("støvsugning", 30),), (line("gåtur", 30),))
    assert check(*proposal, granted=BOTH, policy=ONE_CATEGORY_ONLY).allowed
    only = check(*proposal, granted=PRACTICAL_ONLY, policy=ONE_CATEGORY_ONLY)
    assert only.codes == ("category_crossing_requires_both",)
    assert only.violations[0].data == {
        "line": 0,
        "service_code": "gåtur",
        "add_category": "personal_care",
        "from_category": "practical_help",
        "drop_categories": ["practical_help"],
        "granted_categories": ["other", "practical_help"],
    }


def test_an_ordinary_personal_care_task_still_needs_both_categories_with_the_setting_on() -> None:
    """Rule 3 (004 §1.3.3, 002 §8): the setting opens only rule 10's tasks, not personal care
    in general; morning care for vacuuming still needs both granted."""
    result = check((line("støvsugning", 20),), (line("morgenpleje", 20),), granted=PRACTICAL_ONLY)
    assert result.codes == ("category_crossing_requires_both",)


@pytest.mark.parametrize(
    "result",
    [
        pytest.param(check((line("rengøring_bad", 20),), (line("køleskab", 20),)), id="allowed"),
        pytest.param(check((), ()), id="empty"),
        pytest.param(check((line("sygepleje", 20),), (line(None, 500),)), id="many-faults"),
    ],
)
def test_notices_are_always_given(result: SwapCheckResult) -> None:
    """Rules 5 and 6 (002 §8; 004 footnote 2): §90 and the worker's judgement, every time."""
    assert result.notices[:2] == ("cannot_demand_later", "worker_decides_on_the_day")
    assert NOTICES == ("cannot_demand_later", "worker_decides_on_the_day")


def test_flexible_only_service_can_be_chosen() -> None:
    """Rule 10 (002 Personlige opgaver, note ***): ironing is offered only by swapping."""
    assert check((line("bad", 15),), (line("strygning", 15),)).allowed


def test_swapping_to_a_catalogue_service_not_in_the_decision_is_allowed() -> None:
    """Rule 2 (004 §1.3.3, 002 §8): services in the service level but not granted."""
    assert check((line("støvsugning", 25),), (line("indkøb", 25),)).allowed


@pytest.mark.parametrize(
    ("drop", "add", "expected"),
    [
        # Rules 1/4 (004 §1.3.3, 002 §8): a swap drops something and chooses something.
        ((), (line("køleskab", 20),), ("nothing_to_drop", "over_time_frame")),
        ((line("støvsugning", 20),), (), ("nothing_chosen",)),
        # Rule 1 (004 footnote 2): only granted services can be deselected.
        ((line("indkøb", 20),), (line("køleskab", 20),), ("drop_not_granted",)),
        ((line(None, 20),), (line("køleskab", 20),), ("drop_not_granted",)),
        ((line("   ", 20),), (line("køleskab", 20),), ("drop_not_granted",)),
        # Rule 9 (002 "Borgerens mulighed for at bytte"): nødkald cannot be swapped.
        ((line("nødkald", 5),), (line("strygning", 5),), ("drop_not_swappable",)),
        # Rule 4: dropping more minutes than granted frees nothing real.
        (
            (line("støvsugning", 20), line("støvsugning", 20)),
            (line("køleskab", 20),),
            ("drop_minutes_exceed_granted",),
        ),
        # Rule 2 (002 catalogue): unknown codes and empty lines.
        ((line("støvsugning", 20),), (line("fiskeri", 20),), ("add_unknown_service",)),
        ((line("støvsugning", 20),), (line(None, 20),), ("add_unknown_service",)),
        # Rule 9: sygepleje is not part of flexible home help.
        ((line("bad", 15),), (line("sygepleje", 15),), ("add_not_swappable_to",)),
        # Rule 2 (002 rows; Esbjerg default): nothing outside the service level.
        (
            (line("støvsugning", 20),),
            (line("vinduespudsning", 20),),
            ("outside_service_level_not_allowed",),
        ),
        (
            (line("støvsugning", 20),),
            (line(None, 20, "Plante blomster"),),
            ("outside_service_level_not_allowed",),
        ),
        # Rule 4 (004 §1.3.3, 002 §8): the time frame.
        ((line("støvsugning", 20),), (line("køleskab", 21),), ("over_time_frame",)),
        # Sanity of minutes.
        (
            (line("støvsugning", 0),),
            (line("køleskab", 20),),
            ("invalid_minutes", "over_time_frame"),
        ),
        ((line("støvsugning", 20),), (line("køleskab", -5),), ("invalid_minutes",)),
        (
            (line("støvsugning", 20),),
            (line("køleskab", MAX_LINE_MINUTES + 1),),
            ("invalid_minutes",),  # an invalid line's minutes are not counted as used
        ),
    ],
)
def test_rule_table_for_one_visit(
    drop: tuple[SwapLine, ...], add: tuple[SwapLine, ...], expected: tuple[str, ...]
) -> None:
    """Each row breaks exactly the rules named; the codes are stable (VIOLATION_CODES)."""
    result = check(drop, add)
    assert result.codes == expected
    assert not result.allowed
    assert set(result.codes) <= set(VIOLATION_CODES)


def test_category_crossing_the_other_way_needs_both_too() -> None:
    """Rule 3 (004 §1.3.3, 002 §8): personal care for practical help needs both granted."""
    granted = (grant("bad", 30),)
    result = check((line("bad", 20),), (line("køleskab", 20),), granted=granted)
    assert result.codes == ("category_crossing_requires_both",)


def test_same_category_swap_with_one_category_granted_is_allowed() -> None:
    """Rule 3 only concerns crossing: practical for practical is fine with practical only."""
    result = check((line("støvsugning", 20),), (line("køleskab", 20),), granted=PRACTICAL_ONLY)
    assert result.allowed


def test_category_crossing_counts_only_grants_active_on_the_day() -> None:
    """Rule 3 with 003 'Midlertidig indsats': an ended personal-care grant does not count."""
    ended_bath = grant("bad", 30, end=VISIT_DAY - timedelta(days=1))
    granted = (*PRACTICAL_ONLY, ended_bath)
    result = check((line("støvsugning", 30),), (line("morgenpleje", 20),), granted=granted)
    assert result.codes == ("category_crossing_requires_both",)


def test_outside_service_level_allowed_when_the_policy_says_so() -> None:
    """Rule 2 (004 §1.3.3): the law allows swaps outside the service level; a setting."""
    policy = Policy(outside_service_level_allowed=True)
    assert check((line("støvsugning", 20),), (line("vinduespudsning", 20),), policy=policy).allowed
    assert check(
        (line("støvsugning", 20),), (line(None, 20, "Plante blomster"),), policy=policy
    ).allowed


def test_over_time_frame_data_gives_exact_minutes() -> None:
    """Rule 4 (004 §1.3.3, 002 §8): freed, used and overrun are exact for the message."""
    result = check((line("støvsugning", 20), line("rengøring_bad", 10)), (line("bad", 45),))
    [violation] = result.violations
    assert violation.code == "over_time_frame"
    assert violation.data == {
        "window": "visit",
        "freed_minutes": 30,
        "carried_minutes": 0,
        "available_minutes": 30,
        "used_minutes": 45,
        "overrun_minutes": 15,
    }
    assert (result.freed_minutes, result.used_minutes, result.remaining_minutes) == (30, 45, 0)


def test_fewer_minutes_chosen_than_freed_leaves_a_remainder() -> None:
    """Rule 4: choosing less than freed is within the frame; the rest is reported."""
    result = check((line("støvsugning", 30),), (line("køleskab", 20),))
    assert result.allowed
    assert result.remaining_minutes == 10


def test_every_violation_is_reported_not_only_the_first() -> None:
    """The UI explains every rule broken at once."""
    result = check(
        (line("nødkald", 5), line("indkøb", 10)),
        (line("sygepleje", 15), line("vinduespudsning", 20), line("fiskeri", 0)),
    )
    assert result.codes == (
        "drop_not_swappable",
        "drop_not_granted",
        "add_not_swappable_to",
        "outside_service_level_not_allowed",
        "invalid_minutes",
        "add_unknown_service",
        "over_time_frame",
    )


def test_drop_exceeding_the_visit_time_frame() -> None:
    """Rule 4: a visit cannot free more minutes than it holds."""
    result = check((line("støvsugning", 30),), (line("køleskab", 20),), window_minutes=20)
    assert result.codes == ("drop_exceeds_time_frame",)
    assert result.violations[0].data["dropped_minutes"] == 30


# --- temporary grants and dates --------------------------------------------------------


def test_temporary_grant_cannot_be_dropped_after_it_ends() -> None:
    """Seed 003 'Midlertidig indsats': the grant states its period; after it nothing to drop."""
    temporary = grant("støvsugning", 30, end=date(2026, 2, 28))
    result = check((line("støvsugning", 30),), (line("køleskab", 20),), granted=(temporary,))
    assert result.codes == ("drop_not_active_on_date",)
    assert result.violations[0].data["grant_periods"] == [["2026-01-05", "2026-02-28"]]


def test_grant_not_yet_started_cannot_be_dropped() -> None:
    """Seed 003 'Midlertidig indsats': a grant covers only its period."""
    later = grant("støvsugning", 30, start=VISIT_DAY + timedelta(days=1))
    result = check((line("støvsugning", 30),), (line("køleskab", 20),), granted=(later,))
    assert result.codes == ("drop_not_active_on_date",)


def test_standing_wish_must_lie_within_the_grant_period() -> None:
    """A standing wish for a period needs the grant for the whole period (003)."""
    temporary = grant("støvsugning", 30, end=date(2026, 3, 31))
    inside = (date(2026, 3, 2), date(2026, 3, 31))
    beyond = (date(2026, 3, 2), date(2026, 4, 30))
    swap = ((line("støvsugning", 30),), (line("køleskab", 30),))
    assert check(*swap, granted=(temporary,), visit_date=None, period=inside).allowed
    result = check(*swap, granted=(temporary,), visit_date=None, period=beyond)
    assert result.codes == ("drop_not_active_on_date",)


def test_consecutive_grants_together_cover_a_period() -> None:
    """A renewed temporary grant (003: continuing needs a new grant) covers the seam."""
    granted = (
        grant("støvsugning", 30, end=date(2026, 3, 15)),
        grant("støvsugning", 30, start=date(2026, 3, 16), end=date(2026, 4, 30)),
    )
    period = (date(2026, 3, 2), date(2026, 4, 30))
    swap = ((line("støvsugning", 30),), (line("køleskab", 30),))
    assert check(*swap, granted=granted, visit_date=None, period=period).allowed
    gap = (granted[0], grant("støvsugning", 30, start=date(2026, 3, 17)))
    assert check(*swap, granted=gap, visit_date=None, period=period).codes == (
        "drop_not_active_on_date",
    )


@pytest.mark.parametrize(
    ("visit_date", "period", "today", "reason"),
    [
        (None, None, None, "missing"),
        (VISIT_DAY, (VISIT_DAY, VISIT_DAY), None, "both"),
        (None, (date(2026, 3, 10), date(2026, 3, 9)), None, "end_before_start"),
        (VISIT_DAY, None, VISIT_DAY + timedelta(days=1), "past"),
        (None, (VISIT_DAY, VISIT_DAY + timedelta(days=30)), VISIT_DAY + timedelta(days=1), "past"),
        ("2026-03-02", None, None, "not_a_date"),
        (None, (VISIT_DAY,), None, "not_a_date"),
    ],
)
def test_bad_period(visit_date: object, period: object, today: date | None, reason: str) -> None:
    """A swap is for one coming visit or a period: present, ordered and not in the past."""
    result = check(
        (line("støvsugning", 20),),
        (line("køleskab", 20),),
        visit_date=visit_date,  # type: ignore[arg-type]
        period=period,  # type: ignore[arg-type]
        today=today,
    )
    assert result.codes == ("bad_period",)
    assert result.violations[0].data["reason"] == reason


def test_visit_today_is_not_past() -> None:
    """A swap for today's visit is still possible; the worker decides (rule 5)."""
    assert check((line("støvsugning", 20),), (line("køleskab", 20),), today=VISIT_DAY).allowed


def test_datetime_is_read_as_its_date() -> None:
    """A datetime from a form must not crash the comparison with dates."""
    result = check(
        (line("støvsugning", 20),),
        (line("køleskab", 20),),
        visit_date=datetime(2026, 3, 2, 9, 30),
        today=VISIT_DAY,
    )
    assert result.allowed


# --- windows (rule 4 per policy) ---------------------------------------------------------


WEEK = Policy(swap_window=SwapWindow.WEEK)
TWO_WEEKS = Policy(swap_window=SwapWindow.TWO_WEEKS)


@pytest.mark.parametrize("policy", [WEEK, TWO_WEEKS], ids=["week", "two_weeks"])
def test_window_uses_minutes_dropped_earlier(policy: Policy) -> None:
    """Rule 4 (002 §8): in a week window, minutes saved Monday can be used Friday."""
    result = check(
        (), (line("køleskab", 20),), policy=policy, already_dropped=30, window_minutes=200
    )
    assert result.allowed
    assert result.remaining_minutes == 10


@pytest.mark.parametrize("policy", [WEEK, TWO_WEEKS], ids=["week", "two_weeks"])
def test_window_subtracts_minutes_already_swapped_in(policy: Policy) -> None:
    """Rule 4: minutes already used in the window are gone; the overrun is exact."""
    result = check(
        (line("støvsugning", 10),),
        (line("køleskab", 25),),
        policy=policy,
        already_dropped=30,
        already_swapped_in=20,
        window_minutes=200,
    )
    assert result.codes == ("over_time_frame",)
    data = result.violations[0].data
    assert (data["carried_minutes"], data["available_minutes"], data["overrun_minutes"]) == (
        10,
        20,
        5,
    )


def test_visit_window_ignores_earlier_drops() -> None:
    """Rule 4, VISIT window: each visit balances on its own."""
    result = check((), (line("køleskab", 20),), already_dropped=30, window_minutes=200)
    assert result.codes == ("nothing_to_drop", "over_time_frame")


def test_week_window_allows_saving_minutes_for_later() -> None:
    """Rule 4, WEEK window: a drop now with the choice later in the week."""
    assert check((line("støvsugning", 30),), (), policy=WEEK).allowed


def test_week_window_still_rejects_an_empty_proposal() -> None:
    """Dropping nothing and choosing nothing is no swap, whatever is carried."""
    result = check((), (), policy=WEEK, already_dropped=30, window_minutes=200)
    assert result.codes == ("nothing_to_drop", "nothing_chosen")


def test_week_window_drops_cannot_exceed_the_week_frame() -> None:
    """Rule 4: the week's dropped minutes cannot exceed the week's time frame."""
    result = check(
        (line("støvsugning", 30),), (), policy=WEEK, already_dropped=60, window_minutes=80
    )
    assert result.codes == ("drop_exceeds_time_frame",)
    assert result.violations[0].data == {
        "window": "week",
        "window_minutes": 80,
        "dropped_minutes": 90,
        "already_dropped_minutes": 60,
    }


def test_violation_data_is_json_serialisable() -> None:
    """The DB stores violation data as JSON."""
    result = check(
        (line("indkøb", 10), line("støvsugning", 0)),  # type: ignore[arg-type]
        (line("fiskeri", "ti"),),  # type: ignore[arg-type]
        granted=(grant("støvsugning", 30, end=date(2026, 1, 31)),),
    )
    json.dumps([{"code": v.code, "data": v.data} for v in result.violations])
    assert "invalid_minutes" in result.codes


def test_violation_codes_table_names_rules_and_seeds() -> None:
    """Each stable code is documented with its DOMAIN rule."""
    assert all("Rule" in source for source in VIOLATION_CODES.values())


# --- explain_alternatives -----------------------------------------------------------------


def alternatives(drop: tuple[SwapLine, ...], add: tuple[SwapLine, ...], **kw: object) -> dict:
    """Run explain_alternatives and index the result by code."""
    found = explain_alternatives(
        granted=kw.pop("granted", BOTH),  # type: ignore[arg-type]
        catalogue=CATALOGUE,
        policy=kw.pop("policy", Policy()),  # type: ignore[arg-type]
        proposal=ProposedSwap(drop, add, visit_date=VISIT_DAY),
        window_minutes=kw.pop("window_minutes", 85),  # type: ignore[arg-type]
        visit_bookings=kw.pop("bookings", ()),  # type: ignore[arg-type]
    )
    return {a.code: a.data for a in found}


def test_no_alternatives_when_allowed() -> None:
    """Nothing to explain for an allowed swap."""
    assert alternatives((line("rengøring_bad", 20),), (line("køleskab", 20),)) == {}


def test_over_time_frame_suggests_the_minutes_that_fit_and_it_works() -> None:
    """Rule 4: 'what would work instead' gives the max minutes; using them is allowed."""
    found = alternatives((line("støvsugning", 20),), (line("bad", 45),))
    max_minutes = found["choose_at_most_minutes"]["max_minutes"]
    assert max_minutes == 20
    assert check((line("støvsugning", 20),), (line("bad", max_minutes),)).allowed
    assert "ask_for_reassessment" in found


def test_over_time_frame_suggests_services_that_fit_and_each_works() -> None:
    """Rule 4: every suggested service fits the freed minutes and passes the check."""
    found = alternatives((line("rengøring_bad", 20),), (line("bad", 45),))
    suggested = found["services_that_fit"]["services"]
    assert suggested
    for item in suggested:
        assert item["minutes"] <= 20
        swap = ((line("rengøring_bad", 20),), (line(item["service_code"], item["minutes"]),))
        assert check(*swap).allowed, item


@pytest.mark.parametrize(
    ("policy", "flexible_only_tasks"),
    [
        pytest.param(Policy(), {"gåtur", "strygning"}, id="rule-10-tasks-from-either-category"),
        pytest.param(ONE_CATEGORY_ONLY, set(), id="one-category-only"),
    ],
)
def test_services_that_fit_respect_rules_2_3_and_10(
    policy: Policy, flexible_only_tasks: set[str]
) -> None:
    """Rules 2 and 3: with practical help only, no personal care or outside services are
    suggested; rule 10's tasks (the walk, ironing) are, where the municipality allows it
    (seeds 002 §8 and 004 §1.3.3: "støvsugning med en gåtur")."""
    found = alternatives(
        (line("støvsugning", 30),),
        (line("vinduespudsning", 20),),
        granted=PRACTICAL_ONLY,
        policy=policy,
    )
    codes = {item["service_code"] for item in found["services_that_fit"]["services"]}
    assert codes == {"støvsugning", "rengøring_bad", "køleskab", "indkøb", *flexible_only_tasks}


def test_also_drop_suggests_granted_services_covering_the_overrun() -> None:
    """Rule 4: dropping another granted, swappable service would make room; each works."""
    adds = (line("køleskab", 20), line("indkøb", 25))
    found = alternatives((line("rengøring_bad", 20),), adds)
    suggested = found["also_drop"]["services"]
    assert suggested == [
        {"service_code": "bad", "minutes": 30},
        {"service_code": "støvsugning", "minutes": 30},
    ]
    for item in suggested:
        drops = (line("rengøring_bad", 20), line(item["service_code"], item["minutes"]))
        assert check(drops, adds).allowed


def test_also_drop_never_suggests_a_rule_3_crossing() -> None:
    """Rule 3: dropping more practical help cannot pay for a walk without both categories,
    where the municipality keeps rule 10's tasks to their own category."""
    swap = ((line("rengøring_bad", 20),), (line("gåtur", 30),))
    assert check(*swap, granted=PRACTICAL_ONLY, policy=ONE_CATEGORY_ONLY).codes == (
        "category_crossing_requires_both",
        "over_time_frame",
    )
    found = alternatives(*swap, granted=PRACTICAL_ONLY, policy=ONE_CATEGORY_ONLY)
    assert "also_drop" not in found
    # With both categories granted the same wish gets the suggestion.
    assert alternatives(*swap, granted=BOTH)["also_drop"]["services"][0]["minutes"] >= 10


def test_not_swappable_drop_suggests_swappable_granted_services() -> None:
    """Rule 9: nødkald cannot be dropped; the granted services that can are listed."""
    found = alternatives((line("nødkald", 5),), (line("strygning", 5),))
    codes = [s["service_code"] for s in found["swappable_granted_services"]["services"]]
    assert codes == ["rengøring_bad", "bad", "støvsugning"]
    assert "nødkald" not in codes


def test_drop_over_the_grant_suggests_the_granted_minutes() -> None:
    """Rule 4: at most the granted minutes of a service can be dropped."""
    found = alternatives((line("rengøring_bad", 40),), (line("køleskab", 20),))
    assert found["drop_at_most_minutes"] == {"service_code": "rengøring_bad", "max_minutes": 20}


def test_temporary_grant_suggests_its_period() -> None:
    """Seed 003 'Midlertidig indsats': tell the citizen when the grant applies."""
    temporary = (grant("støvsugning", 30, end=date(2026, 2, 28)),)
    found = alternatives((line("støvsugning", 30),), (line("køleskab", 20),), granted=temporary)
    assert found["choose_a_date_in"]["grant_periods"] == [["2026-01-05", "2026-02-28"]]


# --- other swaps at the same visit (rule 4: all swaps at one visit within its frame) ----------

# Another swap at the visit already added 50 of its 65 minutes (bookings.book_swap's count).
TAKEN = VisitBooking(VISIT_DAY, 65, 50)


def test_minutes_other_swaps_hold_at_the_visit_count_in_the_check() -> None:
    """Rule 4 (004 §1.3.3, 002 §8): 20 freed, but only 15 of the visit's frame are left."""
    result = check((line("rengøring_bad", 20),), (line("køleskab", 20),), bookings=(TAKEN,))
    assert result.codes == ("visit_already_booked",)
    assert result.violations[0].data == {
        "date": "2026-03-02",
        "frame_minutes": 65,
        "booked_minutes": 50,
        "free_minutes": 15,
        "used_minutes": 20,
        "overrun_minutes": 5,
    }
    assert (
        check(
            (line("rengøring_bad", 20),), (line("strygning", 15),), bookings=(TAKEN,)
        ).remaining_minutes
        == 0
    )


def test_a_full_visit_suggests_what_fits_in_what_is_left_and_another_visit() -> None:
    """Rule 4: what would work is counted within the 15 minutes other swaps left."""
    found = alternatives((line("rengøring_bad", 20),), (line("køleskab", 20),), bookings=(TAKEN,))
    assert found["choose_at_most_minutes"] == {"max_minutes": 15}
    assert found["services_that_fit"] == {
        "available_minutes": 15,
        "services": [{"service_code": "strygning", "minutes": 15}],
    }
    for item in found["services_that_fit"]["services"]:
        swap = ((line("rengøring_bad", 20),), (line(item["service_code"], item["minutes"]),))
        assert "visit_already_booked" not in check(*swap, bookings=(TAKEN,)).codes, item
    assert found["choose_another_visit"] == {"date": "2026-03-02"}
    assert "also_drop" not in found  # dropping more frees nothing at a full visit


def test_a_visit_no_other_swap_holds_minutes_in_changes_nothing() -> None:
    """Without other swaps the visit balances alone, as before (rule 4, VISIT window)."""
    swap = ((line("rengøring_bad", 20),), (line("køleskab", 20),))
    assert check(*swap, bookings=(VisitBooking(VISIT_DAY, 10, 0),)).allowed


def test_for_a_period_the_tightest_visit_decides() -> None:
    """Rule 4: a standing wish is done at every visit it covers, so the fullest one decides."""
    period = (VISIT_DAY, VISIT_DAY + timedelta(days=13))
    bookings = (
        VisitBooking(VISIT_DAY, 65, 30),
        VisitBooking(VISIT_DAY + timedelta(days=7), 65, 55),
    )
    result = check(
        (line("rengøring_bad", 20),),
        (line("køleskab", 20),),
        visit_date=None,
        period=period,
        window_minutes=170,
        bookings=bookings,
    )
    assert result.codes == ("visit_already_booked",)
    assert result.violations[0].data["date"] == "2026-03-09"
    assert result.violations[0].data["free_minutes"] == 10


# --- properties ---------------------------------------------------------------------------

CODES = st.sampled_from([*CATALOGUE, "ukendt", "", " "]) | st.none()
MINUTES = st.integers(min_value=-5, max_value=MAX_LINE_MINUTES + 5)
JUNK_MINUTES = MINUTES | st.none() | st.text(max_size=3) | st.floats() | st.booleans()
LINES = st.lists(
    st.builds(SwapLine, CODES, JUNK_MINUTES, st.none() | st.text(max_size=5)), max_size=4
).map(tuple)
DATES = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
GRANTS = st.lists(
    st.builds(
        GrantedService,
        st.sampled_from(list(CATALOGUE)),
        st.integers(min_value=-5, max_value=120),
        st.sampled_from(Frequency),
        st.just(()),
        start=DATES,
        end=st.none() | DATES,
    ),
    max_size=5,
).map(tuple)
POLICIES = st.builds(
    Policy, swap_window=st.sampled_from(SwapWindow), outside_service_level_allowed=st.booleans()
)
PROPOSALS = st.builds(
    ProposedSwap,
    LINES,
    LINES,
    visit_date=st.none() | DATES | st.datetimes().map(lambda d: d),
    period=st.none() | st.tuples(DATES, DATES),
)
FRAMES = st.integers(min_value=-10, max_value=2000)
BOOKINGS = st.lists(st.builds(VisitBooking, DATES, FRAMES, FRAMES), max_size=3).map(tuple)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    granted=GRANTS,
    policy=POLICIES,
    proposal=PROPOSALS,
    window_minutes=FRAMES,
    swapped_in=FRAMES,
    dropped=FRAMES,
    today=st.none() | DATES,
    bookings=BOOKINGS,
)
def test_check_never_raises_and_keeps_the_time_frame(
    granted: tuple[GrantedService, ...],
    policy: Policy,
    proposal: ProposedSwap,
    window_minutes: int,
    swapped_in: int,
    dropped: int,
    today: date | None,
    bookings: tuple[VisitBooking, ...],
) -> None:
    """Rule 4 (004 §1.3.3, 002 §8) as a property: never raises; allowed only within the frame."""
    result = check_swap(
        granted=granted,
        catalogue=CATALOGUE,
        policy=policy,
        proposal=proposal,
        window_minutes=window_minutes,
        already_swapped_in_minutes=swapped_in,
        already_dropped_minutes=dropped,
        today=today,
        visit_bookings=bookings,
    )
    assert result.notices[:2] == NOTICES
    assert result.allowed == (not result.violations)
    assert set(result.codes) <= set(VIOLATION_CODES)
    json.dumps([dict(v.data) for v in result.violations])
    if policy.swap_window is SwapWindow.VISIT:
        slack = 0
    else:
        slack = max(0, min(max(dropped, 0), max(window_minutes, 0)) - max(swapped_in, 0))
    if result.used_minutes > result.freed_minutes + slack:
        assert not result.allowed
        assert "over_time_frame" in result.codes
    if result.allowed:
        assert result.used_minutes <= result.freed_minutes + slack
        assert result.used_minutes <= max(window_minutes, 0)
        assert result.freed_minutes <= max(window_minutes, 0)
        # All swaps at a visit together stay within its frame (bookings.book_swap).
        assert all(
            result.used_minutes <= max(0, b.frame_minutes - b.booked_minutes)
            for b in bookings
            if b.booked_minutes > 0
        )
    # explain_alternatives takes the same input and must not raise either.
    suggestions = explain_alternatives(
        granted=granted,
        catalogue=CATALOGUE,
        policy=policy,
        proposal=proposal,
        window_minutes=window_minutes,
        already_swapped_in_minutes=swapped_in,
        already_dropped_minutes=dropped,
        today=today,
        visit_bookings=bookings,
    )
    if result.allowed:
        assert suggestions == ()
    json.dumps([dict(a.data) for a in suggestions])


@given(
    proposal=st.one_of(st.none(), st.integers(), st.text(), st.builds(object)),
    granted=st.one_of(st.none(), st.integers(), st.text(), st.lists(st.integers())),
    catalogue=st.one_of(st.none(), st.text(), st.dictionaries(st.text(), st.integers())),
    window_minutes=st.one_of(st.none(), st.text(), st.floats()),
    bookings=st.one_of(st.none(), st.integers(), st.text(), st.lists(st.builds(object))),
)
def test_check_never_raises_on_nonsense(
    proposal: object,
    granted: object,
    catalogue: object,
    window_minutes: object,
    bookings: object,
) -> None:
    """Whatever a caller passes, the answer is violations, not an exception."""
    result = check_swap(
        granted=granted,  # type: ignore[arg-type]
        catalogue=catalogue,  # type: ignore[arg-type]
        policy=None,  # type: ignore[arg-type]
        proposal=proposal,  # type: ignore[arg-type]
        window_minutes=window_minutes,  # type: ignore[arg-type]
        visit_bookings=bookings,  # type: ignore[arg-type]
    )
    assert not result.allowed
    assert result.notices == NOTICES


def test_window_given_as_a_plain_string_is_understood() -> None:
    """Rule 4: a policy loaded from the database may carry "week" as a plain string."""
    policy = Policy(swap_window="week")  # type: ignore[arg-type]
    assert check((), (line("køleskab", 20),), policy=policy, already_dropped=30).allowed


def test_unknown_window_falls_back_to_the_strictest() -> None:
    """Rule 4: an unreadable window setting balances per visit, never more loosely."""
    policy = Policy(swap_window="month")  # type: ignore[arg-type]
    result = check((), (line("køleskab", 20),), policy=policy, already_dropped=30)
    assert result.codes == ("nothing_to_drop", "over_time_frame")
