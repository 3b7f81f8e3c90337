"""Re-planning the coming visits when the decision changes (issue 5; domain/replan.py).

The new version applies from its start (002 section 6: the decision is what the
citizen gets); visits that happened are never rewritten; a booked swap must still
stay within the visit's time frame (rule 4: seed 004 §1.3.3, 002 §8), or it lapses
with a reason.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from selvvisitation.domain.policy import Policy
from selvvisitation.domain.replan import (
    BookedLine,
    BookedSwap,
    PlanGrant,
    PlanLine,
    PlannedVisit,
    SwapRules,
    replan,
    slot_start,
    time_of_day_for,
)
from selvvisitation.domain.schedule import Recurrence
from selvvisitation.domain.timeframe import CatalogueService, GrantedService
from selvvisitation.domain.types import Frequency, LapseReason, ServiceCategory

MONDAY = date(2026, 3, 2)  # a Monday
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # the Sunday before
CLEANING, BATH, SHOPPING = 10, 20, 30


def grant(
    key: int,
    service_id: int,
    minutes: int,
    *,
    weekdays: tuple[int, ...] = (0,),
    frequency: Frequency = Frequency.WEEKLY,
    start: date = MONDAY,
    end: date | None = None,
    time_of_day: str = "day",
) -> PlanGrant:
    return PlanGrant(
        key, service_id, minutes, Recurrence(frequency, weekdays, start, end), time_of_day
    )


def visit(
    visit_id: int,
    day: date,
    services: tuple[tuple[int, int], ...],
    *,
    time_of_day: str = "day",
    recorded: bool = False,
    cancelled: bool = False,
    hour: int = 9,
) -> PlannedVisit:
    starts_at = datetime.combine(day, time(hour), tzinfo=UTC)
    return PlannedVisit(visit_id, day, time_of_day, starts_at, services, recorded, cancelled)


def weekly_visits(first_id: int, weeks: int, services: tuple[tuple[int, int], ...], **kw):
    return [visit(first_id + n, MONDAY + timedelta(weeks=n), services, **kw) for n in range(weeks)]


def run(grants, visits, swaps=(), *, first_day=MONDAY, horizon=None, now=NOW):
    horizon = horizon or max((v.day for v in visits), default=first_day)
    return replan(grants, visits, swaps, first_day=first_day, horizon=horizon, now=now)


def by_id(result):
    return {plan.visit_id: plan for plan in result.visits}


def test_changed_minutes_reach_every_planned_visit_from_the_new_start() -> None:
    visits = weekly_visits(1, 4, ((CLEANING, 30),))

    result = run([grant(7, CLEANING, 45)], visits)

    assert [(p.visit_id, p.lines, p.changed) for p in result.visits] == [
        (n, (PlanLine(7, CLEANING, 45),), True) for n in (1, 2, 3, 4)
    ]
    assert [p.time_frame_minutes for p in result.visits] == [45] * 4
    assert result.changed_visits == 4
    assert result.cancelled == ()


def test_visits_that_carry_the_same_services_and_minutes_are_not_counted_as_changed() -> None:
    visits = weekly_visits(1, 2, ((CLEANING, 30),))

    result = run([grant(7, CLEANING, 30)], visits)

    assert [p.changed for p in result.visits] == [False, False]
    assert [p.lines for p in result.visits] == [(PlanLine(7, CLEANING, 30),)] * 2  # relinked
    assert result.changed_visits == 0


def test_a_service_added_to_the_same_slot_joins_the_existing_visit() -> None:
    visits = weekly_visits(1, 2, ((CLEANING, 30),))

    result = run([grant(7, CLEANING, 30), grant(8, SHOPPING, 20)], visits)

    assert result.new_visits == 0
    assert all(p.time_frame_minutes == 50 for p in result.visits)
    assert {line.service_id for line in result.visits[0].lines} == {CLEANING, SHOPPING}


def test_a_service_taken_out_of_a_visit_leaves_the_rest() -> None:
    visits = weekly_visits(1, 2, ((CLEANING, 30), (SHOPPING, 20)))

    result = run([grant(7, CLEANING, 30)], visits)

    assert [p.lines for p in result.visits] == [(PlanLine(7, CLEANING, 30),)] * 2
    assert result.changed_visits == 2


def test_moved_weekdays_cancel_the_old_visits_and_plan_new_ones_up_to_the_horizon() -> None:
    visits = weekly_visits(1, 3, ((CLEANING, 30),))  # Mondays
    horizon = visits[-1].day

    result = run([grant(7, CLEANING, 30, weekdays=(1,))], visits, horizon=horizon)  # Tuesdays

    assert result.cancelled == (1, 2, 3)
    new = [p for p in result.visits if p.visit_id is None]
    # The Tuesday after the last planned Monday lies past the planned horizon.
    assert [p.day for p in new] == [MONDAY + timedelta(days=1), MONDAY + timedelta(days=8)]
    assert result.changed_visits == 5


def test_every_second_week_cancels_the_visits_of_the_weeks_between() -> None:
    visits = weekly_visits(1, 4, ((CLEANING, 30),))

    result = run([grant(7, CLEANING, 30, frequency=Frequency.EVERY_2_WEEKS)], visits)

    assert [p.visit_id for p in result.visits] == [1, 3]
    assert result.cancelled == (2, 4)


def test_a_temporary_grant_stops_at_its_end_date() -> None:
    """003 "Midlertidig indsats": a temporary grant states its period."""
    visits = weekly_visits(1, 4, ((BATH, 20),), time_of_day="morning")
    end = MONDAY + timedelta(weeks=1)

    result = run([grant(7, BATH, 20, end=end, time_of_day="morning")], visits)

    assert [p.visit_id for p in result.visits] == [1, 2]
    assert result.cancelled == (3, 4)


def test_a_visit_before_the_new_start_is_never_touched() -> None:
    visits = weekly_visits(1, 3, ((CLEANING, 30),))
    first_day = MONDAY + timedelta(weeks=1)

    result = run([grant(7, CLEANING, 60, start=first_day)], visits, first_day=first_day)

    assert 1 not in by_id(result)
    assert 1 not in result.cancelled
    assert sorted(by_id(result)) == [2, 3]


@pytest.mark.parametrize(
    "frozen",
    [
        pytest.param({"recorded": True}, id="recorded"),
        pytest.param({"hour": 11}, id="started before now"),
    ],
)
def test_a_recorded_or_started_visit_is_untouched_and_gets_no_twin(frozen) -> None:
    today = MONDAY
    now = datetime.combine(today, time(12), tzinfo=UTC)
    visits = [
        visit(1, today, ((CLEANING, 30),), **frozen),
        visit(2, today + timedelta(weeks=1), ((CLEANING, 30),), hour=11),
    ]

    result = run([grant(7, CLEANING, 60)], visits, now=now)

    assert [p.visit_id for p in result.visits] == [2]  # no new visit in visit 1's slot
    assert result.cancelled == ()


def test_a_cancelled_visit_stays_cancelled_and_its_slot_is_planned_again() -> None:
    visits = [visit(1, MONDAY, ((CLEANING, 30),), cancelled=True)]

    result = run([grant(7, CLEANING, 30)], visits)

    assert result.cancelled == ()
    assert [(p.visit_id, p.day) for p in result.visits] == [(None, MONDAY)]


def test_of_two_visits_in_one_slot_the_earlier_keeps_it_and_the_other_is_cancelled() -> None:
    visits = [
        visit(1, MONDAY, ((CLEANING, 30),), hour=9),
        visit(2, MONDAY, ((CLEANING, 30),), hour=10),
    ]

    result = run([grant(7, CLEANING, 30)], visits)

    assert [p.visit_id for p in result.visits] == [1]
    assert result.cancelled == (2,)


def test_a_new_time_of_day_moves_the_service_to_another_visit() -> None:
    visits = [visit(1, MONDAY, ((BATH, 20),), time_of_day="morning")]

    result = run([grant(7, BATH, 20, time_of_day="evening")], visits)

    assert result.cancelled == (1,)
    assert [(p.visit_id, p.time_of_day) for p in result.visits] == [(None, "evening")]


def test_with_no_visits_planned_nothing_is_planned() -> None:
    result = run([grant(7, CLEANING, 30)], [], horizon=MONDAY - timedelta(days=1))

    assert result.visits == () and result.cancelled == ()
    assert result.changed_visits == 0


# --- booked swaps ------------------------------------------------------------------------


def swap(swap_id: int, visit_id: int | None, drops: tuple[int, ...], added: int, **kw):
    return BookedSwap(swap_id, visit_id, drops, added, **kw)


def test_a_swap_whose_service_is_still_planned_is_kept() -> None:
    visits = [visit(1, MONDAY, ((CLEANING, 30),))]

    result = run([grant(7, CLEANING, 40)], visits, [swap(5, 1, (CLEANING,), 30)])

    assert result.kept_swaps == (5,)
    assert result.lapsed_swaps == ()


def test_a_swap_whose_service_is_no_longer_planned_at_the_visit_lapses() -> None:
    visits = [visit(1, MONDAY, ((CLEANING, 30), (SHOPPING, 20)))]

    result = run([grant(8, SHOPPING, 20)], visits, [swap(5, 1, (CLEANING,), 20)])

    assert result.lapsed == {5: LapseReason.SERVICE_NOT_GRANTED}


def test_a_swap_at_a_cancelled_visit_lapses() -> None:
    visits = [visit(1, MONDAY, ((CLEANING, 30),))]

    result = run([grant(7, CLEANING, 30, weekdays=(2,))], visits, [swap(5, 1, (CLEANING,), 30)])

    assert result.lapsed == {5: LapseReason.VISIT_CANCELLED}


def test_a_swap_that_no_longer_fits_the_smaller_time_frame_lapses() -> None:
    """Rule 4 (004 §1.3.3, 002 §8): the swap stays within the visit's time frame."""
    visits = [visit(1, MONDAY, ((CLEANING, 60),))]

    result = run([grant(7, CLEANING, 30)], visits, [swap(5, 1, (CLEANING,), 45)])

    assert result.lapsed == {5: LapseReason.FRAME_TOO_SMALL}


def test_the_first_booked_swap_keeps_the_minutes_when_only_one_still_fits() -> None:
    visits = [visit(1, MONDAY, ((CLEANING, 60), (SHOPPING, 30)))]
    swaps = [swap(6, 1, (SHOPPING,), 30), swap(5, 1, (CLEANING,), 30)]

    result = run([grant(7, CLEANING, 20), grant(8, SHOPPING, 30)], visits, swaps)

    assert result.kept_swaps == (5,)
    assert result.lapsed == {6: LapseReason.FRAME_TOO_SMALL}


def test_a_swap_of_free_text_help_only_checks_the_minutes() -> None:
    visits = [visit(1, MONDAY, ((CLEANING, 30),))]

    result = run([grant(7, CLEANING, 30)], visits, [swap(5, 1, (), 30)])

    assert result.kept_swaps == (5,)


def test_a_swap_at_a_visit_the_re_plan_does_not_touch_is_left_alone() -> None:
    visits = [visit(1, MONDAY, ((CLEANING, 30),), recorded=True)]

    result = run([grant(7, SHOPPING, 30)], visits, [swap(5, 1, (CLEANING,), 30)])

    assert result.kept_swaps == () and result.lapsed_swaps == ()


@pytest.mark.parametrize(
    ("granted", "period_end", "expected"),
    [
        pytest.param([CLEANING], MONDAY + timedelta(days=6), "kept", id="still granted"),
        pytest.param([SHOPPING], MONDAY + timedelta(days=6), "lapsed", id="no longer granted"),
        pytest.param([SHOPPING], MONDAY - timedelta(days=1), "untouched", id="over before"),
    ],
)
def test_a_standing_swap_lapses_only_when_its_service_is_no_longer_granted(
    granted, period_end, expected
) -> None:
    standing = swap(
        5, None, (CLEANING,), 30, period_start=MONDAY - timedelta(days=7), period_end=period_end
    )

    result = run(
        [grant(n, s, 30) for n, s in enumerate(granted)],
        [visit(1, MONDAY, ((CLEANING, 30),))],
        [standing],
    )

    outcome = "kept" if 5 in result.kept_swaps else "lapsed" if 5 in result.lapsed else "untouched"
    assert outcome == expected
    if expected == "lapsed":
        assert result.lapsed[5] is LapseReason.SERVICE_NOT_GRANTED


def test_a_standing_swap_lapses_when_its_service_ends_before_the_new_start() -> None:
    standing = swap(5, None, (BATH,), 30, period_start=MONDAY, period_end=MONDAY)
    ended = grant(7, BATH, 20, start=MONDAY - timedelta(weeks=4), end=MONDAY - timedelta(days=1))

    result = run([ended], [], [standing], horizon=MONDAY)

    assert result.lapsed == {5: LapseReason.SERVICE_NOT_GRANTED}


# --- the swap rules that depend on the decision (rules 1 and 3) -------------------------

CODES = {CLEANING: "CLEAN", BATH: "BATH", SHOPPING: "SHOP"}
CATALOGUE = {
    "CLEAN": CatalogueService("CLEAN", ServiceCategory.PRACTICAL_HELP, True, False, True, 30),
    "BATH": CatalogueService("BATH", ServiceCategory.PERSONAL_CARE, True, False, True, 20),
    "SHOP": CatalogueService("SHOP", ServiceCategory.PRACTICAL_HELP, True, False, True, 30),
}


def rules_for(grants: list[PlanGrant], policy: Policy | None = None) -> SwapRules:
    """The swap rules' view of the new decision that ``grants`` make."""
    granted = tuple(
        GrantedService(
            CODES[g.service_id],
            g.minutes,
            g.recurrence.frequency,
            g.recurrence.weekdays,
            start=g.recurrence.start,
            end=g.recurrence.end,
        )
        for g in grants
    )
    return SwapRules(granted, CATALOGUE, policy or Policy(), CODES)


def run_with_rules(grants, visits, swaps, policy=None):
    horizon = max((v.day for v in visits), default=MONDAY)
    rules = rules_for(grants, policy)
    return replan(grants, visits, swaps, first_day=MONDAY, horizon=horizon, now=NOW, rules=rules)


def cleaning_for_bath(swap_id: int, visit_id: int | None, **kw) -> BookedSwap:
    """Cleaning (practical help) swapped for a bath (personal care): a crossing (rule 3)."""
    return BookedSwap(
        swap_id,
        visit_id,
        (CLEANING,),
        20,
        drop=(BookedLine(CLEANING, 30),),
        add=(BookedLine(BATH, 20),),
        **kw,
    )


def test_a_crossing_swap_lapses_when_the_new_decision_no_longer_grants_both_categories() -> None:
    """Rule 3 (004 §1.3.3, 002 §8): personal care for practical help needs both granted."""
    visits = [visit(1, MONDAY, ((CLEANING, 30),), hour=9)]
    before = [grant(7, CLEANING, 30), grant(8, BATH, 20, time_of_day="morning")]

    assert run_with_rules(before, visits, [cleaning_for_bath(5, 1)]).kept_swaps == (5,)
    result = run_with_rules([grant(7, CLEANING, 30)], visits, [cleaning_for_bath(5, 1)])

    assert result.lapsed == {5: LapseReason.RULES_NOT_MET}


def test_a_standing_crossing_swap_lapses_when_personal_care_is_no_longer_granted() -> None:
    """Rule 3 (004 §1.3.3, 002 §8), for a standing wish over a period."""
    standing = cleaning_for_bath(
        5, None, period_start=MONDAY, period_end=MONDAY + timedelta(weeks=4)
    )
    visits = [visit(1, MONDAY, ((CLEANING, 30),))]

    kept = run_with_rules([grant(7, CLEANING, 30), grant(8, BATH, 20)], visits, [standing])
    lapsed = run_with_rules([grant(7, CLEANING, 30)], visits, [standing])

    assert kept.kept_swaps == (5,)
    assert lapsed.lapsed == {5: LapseReason.RULES_NOT_MET}


def test_a_swap_within_one_category_is_kept_whatever_else_the_decision_drops() -> None:
    visits = [visit(1, MONDAY, ((CLEANING, 30),))]
    cleaning_for_shopping = BookedSwap(
        5, 1, (CLEANING,), 30, drop=(BookedLine(CLEANING, 30),), add=(BookedLine(SHOPPING, 30),)
    )

    result = run_with_rules([grant(7, CLEANING, 30)], visits, [cleaning_for_shopping])

    assert result.kept_swaps == (5,)


def test_fewer_minutes_for_the_dropped_service_do_not_undo_the_swap() -> None:
    """The drop names the service; the visit's frame decides (rule 4, judged by the re-plan)."""
    visits = [visit(1, MONDAY, ((CLEANING, 60),))]
    swap_60 = BookedSwap(
        5, 1, (CLEANING,), 20, drop=(BookedLine(CLEANING, 60),), add=(BookedLine(SHOPPING, 20),)
    )

    result = run_with_rules([grant(7, CLEANING, 30)], visits, [swap_60])

    assert result.kept_swaps == (5,)


def test_the_policy_s_own_rules_are_not_judged_again_by_a_decision_change() -> None:
    """Help outside the service level (rule 2) is the policy's, which the decision did not
    change: a free-text swap booked where it was allowed stays."""
    visits = [visit(1, MONDAY, ((CLEANING, 30),))]
    walk = BookedSwap(
        5,
        1,
        (CLEANING,),
        30,
        drop=(BookedLine(CLEANING, 30),),
        add=(BookedLine(None, 30, "Gåtur"),),
    )

    result = run_with_rules([grant(7, CLEANING, 40)], visits, [walk], Policy())

    assert result.kept_swaps == (5,)


# --- helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "previous", "expected"),
    [
        (ServiceCategory.PERSONAL_CARE, {}, "morning"),
        (ServiceCategory.PRACTICAL_HELP, {}, "day"),
        (ServiceCategory.MEALS, {}, "lunch"),
        (ServiceCategory.OTHER, {}, "day"),
        (ServiceCategory.PERSONAL_CARE, {CLEANING: "evening"}, "evening"),
    ],
)
def test_a_grant_keeps_its_time_of_day_or_gets_its_category_s_usual(
    category, previous, expected
) -> None:
    """Time windows of the service level (002): personal care mainly 07:30-10:30."""
    assert time_of_day_for(CLEANING, category, previous) == expected


@pytest.mark.parametrize(
    ("day", "slot", "utc"),
    [
        (date(2026, 1, 12), "morning", datetime(2026, 1, 12, 6, 30, tzinfo=UTC)),  # CET
        (date(2026, 7, 13), "morning", datetime(2026, 7, 13, 5, 30, tzinfo=UTC)),  # CEST
        (date(2026, 7, 13), "evening", datetime(2026, 7, 13, 18, 0, tzinfo=UTC)),
    ],
)
def test_a_new_visit_starts_when_its_window_opens_in_danish_time(day, slot, utc) -> None:
    assert slot_start(day, slot) == utc
