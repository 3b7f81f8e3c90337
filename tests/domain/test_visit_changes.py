"""The rules for cancelling and moving a visit, from seed 002 (Esbjerg's quality standards)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from selvvisitation.domain.types import ServiceCategory as C
from selvvisitation.domain.visit_changes import (
    ProviderCancelRefused,
    citizen_cancel_deadline,
    citizen_cancel_refusal,
    provider_cancel,
    provider_move_notice_due,
    replacement_day_allowed,
    replacement_overdue,
    visit_settled,
)

# Thursday 5 March 2026 12:00 in Copenhagen (CET) is 11:00 UTC.
LUNCH = datetime(2026, 3, 5, 11, 0, tzinfo=UTC)


def test_the_default_deadline_is_two_hours_before_the_time_window():
    """Issue 14: a per-municipality setting, default 2 hours before the time window."""
    deadline = citizen_cancel_deadline(LUNCH, {C.PRACTICAL_HELP}, 120)
    assert deadline.at == LUNCH - timedelta(hours=2)
    assert not deadline.meals_rule
    assert deadline.allows(LUNCH - timedelta(hours=2, seconds=1))
    assert not deadline.allows(LUNCH - timedelta(hours=2))


@pytest.mark.parametrize("minutes", [0, 30, 120, 1440, 2880])
def test_the_municipality_sets_the_deadline_in_minutes(minutes):
    assert citizen_cancel_deadline(LUNCH, {C.PERSONAL_CARE}, minutes).at == LUNCH - timedelta(
        minutes=minutes
    )


def test_meals_are_cancelled_before_noon_the_day_before():
    """002, Madservice: "borgeren [skal] melde fra senest kl. 12.00 dagen før leveringen"."""
    deadline = citizen_cancel_deadline(LUNCH, {C.MEALS}, 120)
    assert deadline.meals_rule
    assert deadline.at == datetime(2026, 3, 4, 11, 0, tzinfo=UTC)  # 12:00 CET on Wednesday
    assert deadline.allows(datetime(2026, 3, 4, 10, 59, tzinfo=UTC))
    assert not deadline.allows(datetime(2026, 3, 4, 11, 0, tzinfo=UTC))


def test_noon_the_day_before_is_danish_summer_time_in_july():
    lunch = datetime(2026, 7, 2, 10, 0, tzinfo=UTC)  # 12:00 CEST
    assert citizen_cancel_deadline(lunch, {C.MEALS}, 120).at == datetime(
        2026, 7, 1, 10, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("lunch", "deadline"),
    [
        # Lunch on Sunday 29 March 2026 (CEST, 10:00 UTC): noon on Saturday is still CET.
        (datetime(2026, 3, 29, 10, 0, tzinfo=UTC), datetime(2026, 3, 28, 11, 0, tzinfo=UTC)),
        # Lunch on Monday 30 March: noon on the Sunday the clocks went forward is CEST.
        (datetime(2026, 3, 30, 10, 0, tzinfo=UTC), datetime(2026, 3, 29, 10, 0, tzinfo=UTC)),
        # Lunch on Monday 26 October 2026 (CET): noon on the Sunday they went back is CET.
        (datetime(2026, 10, 26, 11, 0, tzinfo=UTC), datetime(2026, 10, 25, 11, 0, tzinfo=UTC)),
    ],
    ids=["lunch on the spring Sunday", "lunch the day after it", "lunch after the autumn Sunday"],
)
def test_noon_the_day_before_follows_the_clock_change_on_the_last_sundays(lunch, deadline):
    """002, Madservice: noon on the Danish wall clock, whichever offset that day has."""
    assert citizen_cancel_deadline(lunch, {C.MEALS}, 120).at == deadline


def test_a_visit_with_meals_and_other_help_takes_the_earlier_deadline():
    mixed = citizen_cancel_deadline(LUNCH, {C.MEALS, C.PERSONAL_CARE}, 120)
    assert mixed.meals_rule and mixed.at == datetime(2026, 3, 4, 11, 0, tzinfo=UTC)
    # A setting earlier than noon the day before wins over the meals rule.
    assert citizen_cancel_deadline(LUNCH, {C.MEALS}, 2880).at == LUNCH - timedelta(days=2)


def test_a_negative_deadline_is_a_programming_error():
    with pytest.raises(ValueError):
        citizen_cancel_deadline(LUNCH, {C.MEALS}, -1)


@pytest.mark.parametrize(
    "kinds", [{C.PERSONAL_CARE}, {C.PERSONAL_CARE, C.PRACTICAL_HELP}, {C.PERSONAL_CARE, C.MEALS}]
)
def test_the_provider_cannot_cancel_personal_care(kinds):
    """002, Personlige opgaver, Krav til leverance: "Der må ikke forekomme aflysninger fra
    leverandørens side"."""
    with pytest.raises(ProviderCancelRefused):
        provider_cancel(date(2026, 3, 4), kinds)


def test_practical_help_cancelled_by_the_provider_needs_a_replacement_within_a_week():
    """002, Praktiske opgaver: "Hvis leverandøren aflyser opgaven, skal der gives et
    erstatningsbesøg indenfor 1 uge"."""
    assert provider_cancel(date(2026, 3, 3), {C.PRACTICAL_HELP}).replacement_by == date(2026, 3, 10)


def test_other_help_cancelled_by_the_provider_owes_no_replacement_by_these_rules():
    assert provider_cancel(date(2026, 3, 3), {C.MEALS}).replacement_by is None


@pytest.mark.parametrize(
    ("replacement", "allowed"),
    [
        (date(2026, 3, 3), False),  # the cancelled day itself
        (date(2026, 3, 4), True),
        (date(2026, 3, 10), True),  # one week later
        (date(2026, 3, 11), False),  # more than a week
        (date(2026, 3, 2), False),  # before
    ],
)
def test_the_replacement_falls_within_one_week_after_the_cancelled_visit(replacement, allowed):
    assert replacement_day_allowed(date(2026, 3, 3), replacement, date(2026, 3, 2)) is allowed


def test_a_replacement_cannot_be_in_the_past():
    assert not replacement_day_allowed(date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 5))


START = datetime(2026, 3, 4, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kinds", "shift", "due"),
    [
        # 002, Personlige opgaver: "med mere end 30 min. skal borgeren have besked".
        ({C.PERSONAL_CARE}, 30, False),
        ({C.PERSONAL_CARE}, 31, True),
        ({C.PERSONAL_CARE}, -31, True),
        # 002, Praktiske opgaver: "mere end 1 time forsinket, skal borgeren have besked".
        ({C.PRACTICAL_HELP}, 60, False),
        ({C.PRACTICAL_HELP}, 61, True),
        ({C.PRACTICAL_HELP}, -90, False),
        ({C.MEALS}, 120, False),
        ({C.PERSONAL_CARE, C.PRACTICAL_HELP}, 45, True),
    ],
)
def test_the_citizen_is_told_of_a_provider_s_move_as_002_says(kinds, shift, due):
    assert provider_move_notice_due(kinds, START, START + timedelta(minutes=shift)) is due


def test_the_team_leader_s_flag_opens_only_after_the_week_without_a_delivered_replacement():
    by = date(2026, 3, 10)
    assert not replacement_overdue(by, delivered=False, today=by)
    assert replacement_overdue(by, delivered=False, today=by + timedelta(days=1))
    assert not replacement_overdue(by, delivered=True, today=by + timedelta(days=1))


def _refusal(now: datetime, *, cancelled=False, recorded=False, categories=(C.PRACTICAL_HELP,)):
    deadline = citizen_cancel_deadline(LUNCH, set(categories), 120)
    return citizen_cancel_refusal(
        cancelled=cancelled, recorded=recorded, starts_at=LUNCH, deadline=deadline, now=now
    )


def test_the_citizen_may_cancel_a_coming_visit_before_the_deadline():
    """Issue 14 and 002, Praktiske opgaver: "Hvis borgeren aflyser opgaven tilbydes ikke
    erstatningsbesøg" (she may cancel; no replacement follows)."""
    assert _refusal(LUNCH - timedelta(hours=3)) is None


@pytest.mark.parametrize(
    ("now", "cancelled", "recorded"),
    [
        (LUNCH, False, False),  # begun: the time window has started
        (LUNCH + timedelta(minutes=5), False, False),
        (LUNCH - timedelta(hours=3), True, False),  # cancelled already
        (LUNCH - timedelta(hours=3), False, True),  # recorded: the worker said how it went
    ],
)
def test_a_visit_begun_cancelled_or_recorded_cannot_be_cancelled(now, cancelled, recorded):
    assert _refusal(now, cancelled=cancelled, recorded=recorded) == "unavailable"
    assert visit_settled(cancelled=cancelled, recorded=recorded, starts_at=LUNCH, now=now)


def test_after_the_municipalitys_deadline_the_refusal_names_the_deadline():
    """Issue 14: the municipality's minutes before the time window (default 2 hours)."""
    assert _refusal(LUNCH - timedelta(hours=2)) == "deadline"
    assert _refusal(LUNCH - timedelta(hours=1)) == "deadline"


def test_meals_past_noon_the_day_before_are_refused_by_the_deadline():
    """002, Madservice: "borgeren [skal] melde fra senest kl. 12.00 dagen før leveringen"."""
    evening_before = LUNCH - timedelta(hours=20)  # Wednesday 16:00 in Copenhagen
    assert _refusal(evening_before, categories=(C.MEALS,)) == "deadline"
    assert _refusal(evening_before, categories=(C.PRACTICAL_HELP,)) is None


def test_a_visit_without_tzinfo_is_read_as_utc():
    """SQLite hands back naive datetimes; they are UTC as stored."""
    naive = LUNCH.replace(tzinfo=None)
    assert visit_settled(cancelled=False, recorded=False, starts_at=naive, now=LUNCH)
    assert not visit_settled(
        cancelled=False, recorded=False, starts_at=naive, now=LUNCH - timedelta(seconds=1)
    )
