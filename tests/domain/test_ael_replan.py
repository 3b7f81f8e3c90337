"""Re-planning the coming visits for a decision under Ældreloven (DOMAIN.md "Ældreloven";
domain/ael_replan.py). Each test says whether it enforces law or our reading."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from selvvisitation.domain import fsiii_elderly as fsiii
from selvvisitation.domain.ael_replan import (
    ComingVisit,
    GrantedElementRef,
    codes_for,
    replan_to_ael,
)
from selvvisitation.domain.replan import BookedSwap
from selvvisitation.domain.types import LapseReason, ServiceCategory

MONDAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
CARE = GrantedElementRef(1, fsiii.PERSONAL_CARE)
PRACTICAL = GrantedElementRef(2, fsiii.PRACTICAL_HELP)
DIALOGUE = GrantedElementRef(3, fsiii.PLANNING_DIALOGUE)
ELEMENTS = (CARE, PRACTICAL, DIALOGUE)


def visit(vid: int, days: int, *categories: ServiceCategory, **kw) -> ComingVisit:
    day = MONDAY + timedelta(days=days)
    return ComingVisit(
        vid, day, datetime.combine(day, time(8), tzinfo=UTC), codes_for(categories), **kw
    )


def test_the_coming_visits_keep_their_rhythm_and_get_the_matching_elements() -> None:
    """Reading (DOMAIN.md Ældreloven; ÆL § 11): the visits stay; their lines become the
    elements of the forløb that continue what they held, without minutes."""
    result = replan_to_ael(
        [
            visit(1, 0, ServiceCategory.PERSONAL_CARE),
            visit(2, 1, ServiceCategory.PRACTICAL_HELP),
            visit(3, 2, ServiceCategory.PERSONAL_CARE, ServiceCategory.PRACTICAL_HELP),
        ],
        [],
        elements=ELEMENTS,
        first_day=MONDAY,
        now=NOW,
    )
    assert [(p.visit_id, p.element_ids) for p in result.visits] == [
        (1, (1, 3)),  # the first coming visit also holds the first dialogue (FSIII)
        (2, (2,)),
        (3, (1, 2)),
    ]
    assert result.changed_visits == 3


def test_a_visit_with_nothing_matching_gets_every_element_but_the_dialogue() -> None:
    """Reading: meals are not in this forløb; the worker plans the visit with her."""
    result = replan_to_ael(
        [visit(1, 0, ServiceCategory.PERSONAL_CARE), visit(2, 1, ServiceCategory.MEALS)],
        [],
        elements=ELEMENTS,
        first_day=MONDAY,
        now=NOW,
    )
    assert result.visits[1].element_ids == (1, 2)


def test_past_started_recorded_and_cancelled_visits_are_never_touched() -> None:
    """Reading shared with domain/replan.py: what happened stays as it happened."""
    result = replan_to_ael(
        [
            visit(1, -1, ServiceCategory.PERSONAL_CARE),  # before the new start
            visit(2, 0, ServiceCategory.PERSONAL_CARE, recorded=True),
            visit(3, 1, ServiceCategory.PERSONAL_CARE, cancelled=True),
            ComingVisit(4, MONDAY, NOW - timedelta(minutes=5), frozenset()),  # started
            visit(5, 2, ServiceCategory.PERSONAL_CARE),
        ],
        [],
        elements=ELEMENTS,
        first_day=MONDAY,
        now=NOW,
    )
    assert [p.visit_id for p in result.visits] == [5]


def test_swaps_booked_at_coming_visits_lapse_with_the_basis_change() -> None:
    """Law (Serviceloven § 2 stk. 5) and reading (DOMAIN.md Ældreloven): § 94 a swaps build
    on § 83 help, so they fall away from the day the AEL decision applies."""
    result = replan_to_ael(
        [visit(1, -1, ServiceCategory.PERSONAL_CARE), visit(2, 1, ServiceCategory.PERSONAL_CARE)],
        [BookedSwap(10, 1, (5,), 30), BookedSwap(11, 2, (5,), 30)],
        elements=ELEMENTS,
        first_day=MONDAY,
        now=NOW,
    )
    assert result.lapsed_swaps == ((11, LapseReason.LEGAL_BASIS_CHANGED),)
    assert result.standing_swaps_end_on is None


def test_standing_swaps_still_running_end_from_the_first_day() -> None:
    """Reading (DOMAIN.md Ældreloven): the letter says standing swaps end, and from which day."""
    result = replan_to_ael(
        [],
        [
            BookedSwap(20, None, (5,), 30, MONDAY - timedelta(days=30), MONDAY - timedelta(days=1)),
            BookedSwap(
                21, None, (5,), 30, MONDAY - timedelta(days=30), MONDAY + timedelta(days=30)
            ),
            BookedSwap(22, None, (5,), 30, MONDAY - timedelta(days=30), None),
        ],
        elements=ELEMENTS,
        first_day=MONDAY,
        now=NOW,
    )
    assert result.lapsed == {
        21: LapseReason.LEGAL_BASIS_CHANGED,
        22: LapseReason.LEGAL_BASIS_CHANGED,
    }
    assert result.standing_swaps_end_on == MONDAY


def test_a_change_of_forlob_matches_the_elements_by_their_fsiii_codes() -> None:
    """Reading: an AEL visit's codes are its elements' codes; a new forløb keeps what fits."""
    previous = ComingVisit(
        1, MONDAY, datetime.combine(MONDAY, time(8), tzinfo=UTC), frozenset({fsiii.PRACTICAL_HELP})
    )
    result = replan_to_ael([previous], [], elements=ELEMENTS, first_day=MONDAY, now=NOW)
    assert result.visits[0].element_ids == (2, 3)
