"""Each rule of the swap check on its own (domain/swaps/check.py and alternatives.py).

DOMAIN.md "Rules of flexible home help (SEL §94 a)", rules 1-4, 7, 9 and 10; seeds 002 §8 and
004 §1.3.3. tests/domain/test_swaps.py checks the rules together through check_swap and
explain_alternatives; here each rule function is given exactly what it reads.
"""

from __future__ import annotations

from datetime import date

import pytest

from selvvisitation.domain.policy import Policy
from selvvisitation.domain.swaps import ProposedSwap, SwapLine, Violation, VisitBooking
from selvvisitation.domain.swaps.alternatives import (
    _ask_for_reassessment,
    _choose_another_visit,
    _choose_at_most_minutes,
    _swappable_granted_services,
)
from selvvisitation.domain.swaps.check import (
    _add_category_crossing,
    _add_swappable_to,
    _add_within_service_level,
    _analyse,
    _Analysis,
    _drop_active,
    _drop_granted,
    _drop_swappable,
    _Dropped,
    _drops_within_grants,
    _drops_within_window,
    _free_text_add,
    _something_to_swap,
    _within_time_frame,
    _within_visit,
)
from selvvisitation.domain.swaps.readers import _carried, _Grant, _read
from selvvisitation.domain.timeframe import CatalogueService, GrantedService
from selvvisitation.domain.types import Frequency, ServiceCategory, SwapWindow

PC = ServiceCategory.PERSONAL_CARE
PH = ServiceCategory.PRACTICAL_HELP
DAY = date(2026, 3, 2)  # a Monday
LINE = ("støvsugning", 30, None)

VACUUMING = CatalogueService("støvsugning", PH, True, False, True, 30)
BATH = CatalogueService("bad", PC, True, False, True, 30)
WALK = CatalogueService("gåtur", PC, False, True, True, 30)  # rule 10: flexible help only
ALARM = CatalogueService("nødkald", ServiceCategory.OTHER, False, False, True, 5)  # rule 9
WINDOWS = CatalogueService("vinduespudsning", PH, True, False, False, 20)  # rule 2: outside


def codes(violations: list[Violation]) -> list[str]:
    return [v.code for v in violations]


@pytest.mark.parametrize(
    ("window", "earlier", "swapped_in", "carried"),
    [
        (SwapWindow.VISIT, 60, 0, 0),  # each visit balances alone
        (SwapWindow.WEEK, 30, 10, 20),
        (SwapWindow.WEEK, 500, 0, 85),  # earlier drops count only up to the window's frame
        (SwapWindow.TWO_WEEKS, 0, 15, -15),  # more chosen than dropped earlier: nothing left
    ],
)
def test_rule_4_minutes_carried_in_a_window(window, earlier, swapped_in, carried) -> None:
    """Rule 4: over a week or two, minutes dropped earlier and not yet chosen carry."""
    assert _carried(window, 85, earlier, swapped_in) == carried


@pytest.mark.parametrize(
    ("window", "carried", "drops", "adds", "expected"),
    [
        (SwapWindow.VISIT, 0, [LINE], [LINE], []),
        (SwapWindow.VISIT, 0, [], [], ["nothing_to_drop", "nothing_chosen"]),
        (SwapWindow.VISIT, 30, [], [LINE], ["nothing_to_drop"]),  # a visit carries nothing
        (SwapWindow.WEEK, 30, [], [LINE], []),  # a choice paid by earlier drops
        (SwapWindow.WEEK, 0, [], [LINE], ["nothing_to_drop"]),
        (SwapWindow.WEEK, 0, [LINE], [], []),  # minutes saved for later in the week
        (SwapWindow.VISIT, 0, [LINE], [], ["nothing_chosen"]),
    ],
)
def test_rules_1_and_4_a_swap_drops_something_and_chooses_something(
    window, carried, drops, adds, expected
) -> None:
    """Rule 1: she chooses other help instead of granted help; rule 4: over a window."""
    assert codes(_something_to_swap(window, carried, drops, adds)) == expected


def test_rule_1_only_a_granted_service_is_dropped() -> None:
    """Rule 1 (004 §1.3.3 footnote 2): the swap is of help the decision grants."""
    grants = {"støvsugning": [_Grant("støvsugning", 30, None, None)]}
    assert _drop_granted(0, "støvsugning", grants) == []
    refused = _drop_granted(1, "bad", grants) + _drop_granted(2, None, grants)
    assert [(v.code, v.data["line"]) for v in refused] == [
        ("drop_not_granted", 1),
        ("drop_not_granted", 2),
    ]


def test_rule_9_a_service_that_cannot_be_swapped_is_not_dropped() -> None:
    """Rule 9 (002 "Borgerens mulighed for at bytte"), and rule 5 for one the catalogue does
    not know: in doubt the granted help is delivered."""
    assert _drop_swappable(0, "støvsugning", VACUUMING) == []
    assert [v.data["reason"] for v in _drop_swappable(0, "nødkald", ALARM)] == ["not_swappable"]
    assert [v.data["reason"] for v in _drop_swappable(0, "x", None)] == ["unknown_in_catalogue"]


def test_rule_1_a_temporary_grant_is_dropped_only_on_days_it_covers() -> None:
    """Rule 1 with seed 003 "Midlertidig indsats": the grant must cover the whole span."""
    grants = [_Grant("bad", 30, date(2026, 1, 5), date(2026, 3, 1))]
    assert _drop_active(0, "bad", grants, None) == []
    assert _drop_active(0, "bad", grants, (date(2026, 2, 2), date(2026, 2, 9))) == []
    (late,) = _drop_active(0, "bad", grants, (DAY, DAY))
    assert late.code == "drop_not_active_on_date"
    assert late.data["grant_periods"] == [["2026-01-05", "2026-03-01"]]


def test_rule_4_no_more_of_a_service_is_dropped_than_granted() -> None:
    """Rule 4: the minutes dropped of a service stay within its grant per delivery; only the
    drops without a problem free minutes to use, capped at the grant."""
    grants = {"støvsugning": [_Grant("støvsugning", 30, None, None)]}
    dropped = _Dropped(per_code={"støvsugning": 45}, clean_per_code={"støvsugning": 45})
    violations, usable = _drops_within_grants(dropped, grants, grants)
    assert [(v.code, v.data["granted_minutes"]) for v in violations] == [
        ("drop_minutes_exceed_granted", 30)
    ]
    assert usable == 30


@pytest.mark.parametrize(
    ("window", "freed", "earlier", "expected"),
    [
        (SwapWindow.VISIT, 85, 500, []),  # a visit ignores the window's earlier drops
        (SwapWindow.VISIT, 90, 0, ["drop_exceeds_time_frame"]),
        (SwapWindow.WEEK, 30, 55, []),
        (SwapWindow.WEEK, 30, 60, ["drop_exceeds_time_frame"]),
    ],
)
def test_rule_4_what_is_dropped_stays_within_the_time_frame(
    window, freed, earlier, expected
) -> None:
    """Rule 4 (004, 002 §8): the window's drops, now and earlier, fit in its frame."""
    assert codes(_drops_within_window(window, 85, freed, earlier)) == expected


@pytest.mark.parametrize(
    ("text", "allowed", "expected"),
    [
        (None, True, ["add_unknown_service"]),  # no service and no words: no choice
        ("Læse avis højt", False, ["outside_service_level_not_allowed"]),
        ("Læse avis højt", True, []),
    ],
)
def test_rule_2_a_choice_in_her_own_words_only_outside_the_service_level_where_allowed(
    text, allowed, expected
) -> None:
    """Rule 2: help outside the service level is the municipality's choice (002 rows)."""
    assert codes(_free_text_add(0, text, outside_allowed=allowed)) == expected


def test_rules_9_and_10_what_can_be_chosen() -> None:
    """Rule 9: a service that cannot be swapped is not chosen either; rule 10: a task offered
    only through flexible home help is chosen by swap."""
    assert _add_swappable_to(0, "støvsugning", VACUUMING) == []
    assert _add_swappable_to(0, "gåtur", WALK) == []
    assert codes(_add_swappable_to(0, "nødkald", ALARM)) == ["add_not_swappable_to"]


def test_rule_2_a_service_outside_the_service_level_only_where_allowed() -> None:
    """Rule 2 (004 §1.3.3; Esbjerg limits it to its own service level, 002)."""
    assert codes(
        _add_within_service_level(0, "vinduespudsning", WINDOWS, outside_allowed=False)
    ) == ["outside_service_level_not_allowed"]
    assert _add_within_service_level(0, "vinduespudsning", WINDOWS, outside_allowed=True) == []
    assert _add_within_service_level(0, "bad", BATH, outside_allowed=False) == []


def test_rule_3_crossing_between_personal_care_and_practical_help_needs_both_granted() -> None:
    """Rule 3 (004, 002 §8), and rule 10 beside it: a flexible-only task crosses from either
    category where the municipality says so ("støvsugning for en gåtur")."""
    (crossing,) = _add_category_crossing(
        0, "bad", BATH, {PH}, {PH}, flexible_only_any_category=True
    )
    assert crossing.code == "category_crossing_requires_both"
    assert crossing.data["from_category"] == PH.value
    assert (
        _add_category_crossing(0, "bad", BATH, {PH}, {PH, PC}, flexible_only_any_category=True)
        == []
    )
    assert (
        _add_category_crossing(0, "gåtur", WALK, {PH}, {PH}, flexible_only_any_category=True) == []
    )
    assert codes(
        _add_category_crossing(0, "gåtur", WALK, {PH}, {PH}, flexible_only_any_category=False)
    ) == ["category_crossing_requires_both"]


def test_rule_4_the_minutes_chosen_fit_in_the_minutes_freed_and_carried() -> None:
    """Rule 4: what is chosen fits in what is freed now plus, over a window, carried."""
    assert _within_time_frame(SwapWindow.WEEK, 20, 10, 30) == []
    (over,) = _within_time_frame(SwapWindow.WEEK, 20, 10, 45)
    assert (over.code, over.data["available_minutes"], over.data["overrun_minutes"]) == (
        "over_time_frame",
        30,
        15,
    )


def test_rule_4_all_swaps_at_one_visit_stay_within_its_frame() -> None:
    """Rule 4 at one visit: what other swaps already added there counts (bookings.book_swap)."""
    visit = VisitBooking(DAY, frame_minutes=60, booked_minutes=40)
    assert _within_visit(None, 500) == []
    assert _within_visit(visit, 20) == []
    (full,) = _within_visit(visit, 25)
    assert (full.code, full.data["free_minutes"], full.data["overrun_minutes"]) == (
        "visit_already_booked",
        20,
        5,
    )


def _analysis(
    drop: tuple[SwapLine, ...], add: tuple[SwapLine, ...], bookings: tuple[VisitBooking, ...] = ()
) -> _Analysis:
    grants = (GrantedService("støvsugning", 30, Frequency.WEEKLY, (0,), start=date(2026, 1, 5)),)
    catalogue = {s.code: s for s in (VACUUMING, BATH, WALK, ALARM, WINDOWS)}
    return _analyse(
        _read(
            granted=grants,
            catalogue=catalogue,
            policy=Policy(),
            proposal=ProposedSwap(drop, add, visit_date=DAY),
            window_minutes=85,
            already_swapped_in_minutes=0,
            already_dropped_minutes=0,
            today=None,
            visit_bookings=bookings,
        )
    )


def test_rule_7_needing_more_time_than_granted_suggests_a_reassessment() -> None:
    """Rule 7 (004 §1.3.3, 002 §8): the decision may no longer match the need."""
    assert [a.code for a in _ask_for_reassessment({"over_time_frame"})] == ["ask_for_reassessment"]
    assert _ask_for_reassessment({"drop_not_granted"}) == []


def test_rule_4_the_suggested_minutes_are_what_the_drops_free() -> None:
    """Rule 4: choose at most the minutes freed, when more were chosen."""
    analysis = _analysis((SwapLine("støvsugning", 30),), (SwapLine("bad", 45),))
    (at_most,) = _choose_at_most_minutes(analysis, 30, {"over_time_frame"})
    assert at_most.data == {"max_minutes": 30}
    assert _choose_at_most_minutes(analysis, 60, {"over_time_frame"}) == []


def test_rules_1_and_9_a_refused_drop_suggests_the_swappable_granted_services() -> None:
    """Rules 1 and 9: what she could drop instead."""
    granted = [("støvsugning", 30)]
    (suggestion,) = _swappable_granted_services({"drop_not_swappable"}, granted)
    assert suggestion.data == {"services": [{"service_code": "støvsugning", "minutes": 30}]}
    assert _swappable_granted_services({"over_time_frame"}, granted) == []


def test_rule_4_a_full_visit_suggests_another_visit_only_for_one_visit() -> None:
    """Rule 4 at one visit: another visit may have the time other swaps took at this one."""
    full = (VisitBooking(DAY, frame_minutes=60, booked_minutes=60),)
    analysis = _analysis((SwapLine("støvsugning", 30),), (SwapLine("bad", 30),), bookings=full)
    (another,) = _choose_another_visit(analysis, {"visit_already_booked"})
    assert another.data == {"date": DAY.isoformat()}
    assert _choose_another_visit(analysis, {"over_time_frame"}) == []
