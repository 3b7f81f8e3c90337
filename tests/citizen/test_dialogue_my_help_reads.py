""" "Se min hjælp" reads the visits it shows, not every visit of the coming weeks (issue 17).

The answer shows her help and her next visits (DOMAIN.md: the citizen sees her help and
her visits). A citizen with a visit every day has 15-17 in the 21 days a swap may be
booked in (dialogue_context.PLAN_DAYS); making all of them and their lines into objects,
with every visit's swaps, was an eighth of a "Se min hjælp" turn in the server, for the
five it shows. It now reads those five, as plain columns with what is planned at each
(no objects made), in one statement. The steps that book a swap or set a priority still
see every coming visit, and where a step has read them already, "Min hjælp" shows the
first five of those and reads no visit again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from selvvisitation.domain.types import ActorKind, SwapStatus
from selvvisitation.extensions import db
from selvvisitation.models import Citizen, SwapRequest, Visit
from selvvisitation.services import dialogue_context
from tests.citizen.ael_household import build_ael_household
from tests.citizen.conftest import build_household
from tests.clock import MONDAY
from tests.statements import counted_statements

pytestmark = pytest.mark.today(MONDAY)

EVERY_DAY = 14  # more coming visits than "Min hjælp" shows


def _fresh_context(citizen_id: int):
    """Her context as a turn builds it: a new session, nothing of hers held yet."""
    db.session.expunge_all()
    citizen = db.session.get(Citizen, citizen_id)
    return dialogue_context.build_context(
        db.session, citizen, relative_id=None, may_act=True, language="da"
    )


@pytest.fixture
def listen():
    """event.listen for this test only: each listener is removed when the test ends (one
    left behind kept recording, and growing its list, in every later test of the worker)."""
    added = []

    def add(target, name, listener) -> None:
        event.listen(target, name, listener)
        added.append((target, name, listener))

    yield add
    for target, name, listener in added:
        event.remove(target, name, listener)


def _visits_made(listen) -> list[int]:
    """The Visit objects the ORM makes from here on (the session holds them only weakly)."""
    made: list[int] = []
    listen(Visit, "load", lambda target, _context: made.append(target.id))
    return made


def _every_day(factories, household, start_hour: int = 8) -> None:
    """A visit each coming day, the household's first visit's lines on each."""
    for n in range(2, EVERY_DAY + 2):
        day = household.visit.day + timedelta(days=n)
        visit = factories.Visit(
            citizen=household.citizen,
            day=day,
            starts_at=datetime(day.year, day.month, day.day, start_hour, 0, tzinfo=UTC),
            ends_at=datetime(day.year, day.month, day.day, start_hour + 1, 5, tzinfo=UTC),
            time_frame_minutes=65,
        )
        for line in household.visit.services:
            factories.VisitService(
                visit=visit,
                service=line.service,
                granted_service=line.granted_service,
                planned_minutes=line.planned_minutes,
            )
    db.session.commit()


def test_her_help_reads_only_the_visits_it_shows(app, factories, listen):
    household = build_household(factories)
    _every_day(factories, household)
    everything = _fresh_context(household.citizen.id)
    all_coming = everything.visits  # what the swap steps see: every coming visit
    assert len(all_coming) > dialogue_context.MY_HELP_VISITS

    ctx = _fresh_context(household.citizen.id)
    made = _visits_made(listen)
    shown = ctx.my_help["visits"]

    assert made == []  # plain columns: no visit made into an object
    assert len(shown) == dialogue_context.MY_HELP_VISITS
    # The same five, in the same order, with the same lines, as from the whole read.
    assert [v["start"] for v in shown] == [
        v.starts_at.isoformat() for v in all_coming[: dialogue_context.MY_HELP_VISITS]
    ]
    assert all(
        sorted(v["services"]) == sorted(code for code, _minutes in info.services)
        for v, info in zip(shown, all_coming, strict=False)
    )


def test_her_help_still_lists_her_swaps_waiting_for_an_answer(app, factories, listen):
    """A swap asked for at a visit after the fifth is still one "Min hjælp" says is waiting
    (DOMAIN.md: the citizen sees everything asked for her)."""
    household = build_household(factories)
    _every_day(factories, household)
    last = max(
        db.session.scalars(db.select(Visit).where(Visit.citizen_id == household.citizen.id)),
        key=lambda v: v.starts_at,
    )
    db.session.add(
        SwapRequest(
            reference="BYT-LAST",
            citizen=household.citizen,
            visit=last,
            status=SwapStatus.REQUESTED,
            created_by_kind=ActorKind.CITIZEN,
            period_start=last.day,
            period_end=last.day,
        )
    )
    db.session.commit()

    ctx = _fresh_context(household.citizen.id)
    made = _visits_made(listen)

    assert ctx.my_help["swaps"] == [{"reference": "BYT-LAST"}]
    assert made == []


def test_after_a_step_read_every_visit_her_help_reads_none_again(app, factories, listen):
    household = build_household(factories)
    _every_day(factories, household)
    ctx = _fresh_context(household.citizen.id)
    all_coming = ctx.visits
    with counted_statements() as seen:
        shown = ctx.my_help["visits"]

    assert [s for s in seen if "visit" in s.split("FROM", 1)[-1].split("WHERE")[0]] == []
    assert [v["start"] for v in shown] == [
        v.starts_at.isoformat() for v in all_coming[: dialogue_context.MY_HELP_VISITS]
    ]


def test_her_forlob_reads_only_the_visits_it_shows_and_no_swaps(app, factories, listen):
    """Ældreloven: "Min hjælp" shows her forløb and next visits, with their elements and
    the priorities she asked for; no swaps (DOMAIN.md "Ældreloven": no minutes, no swaps).
    Her forløb and its granted elements are one statement (they were four: "Se min hjælp"
    on Ældreloven took 12 statements, over issue 17's 10)."""
    household = build_ael_household(factories)
    for n in range(4, EVERY_DAY + 4):
        day = household.visit.day + timedelta(days=n)
        visit = factories.Visit(
            citizen=household.citizen,
            day=day,
            starts_at=datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC),
            ends_at=datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC),
            time_frame_minutes=0,
        )
        factories.VisitElement(visit=visit, element=household.care)
    db.session.commit()
    first = household.visit.starts_at.isoformat()
    first_end = household.visit.ends_at.isoformat()
    names = [{"da": e.name_da, "en": e.name_en} for e in (household.care, household.practical)]
    ctx = _fresh_context(household.citizen.id)
    made = _visits_made(listen)
    with counted_statements() as seen:
        shown = ctx.my_help["visits"]

    assert len(shown) == dialogue_context.MY_HELP_VISITS and made == []
    assert shown[0] == {
        "start": first,
        "end": first_end,
        "elements": names,
    }
    assert not [s for s in seen if "swap_request" in s]
    # Her forløb and what each granted element means for her, in the decision's order.
    help_ = ctx.my_help
    assert help_["programme"] == {"da": "Hjælp i hverdagen", "en": "Help in everyday life"}
    assert help_["description"] == {
        "da": "Et forløb med personlig pleje og praktisk hjælp.",
        "en": "A plan with personal care and practical help.",
    }
    assert help_["elements"] == [
        {"name": names[0], "meaning": "Hjælp til bad og tøj på"},
        {"name": names[1], "meaning": "Rengøring af køkken"},
    ]
    # The forløb with its granted elements: one statement (the visits' is another).
    forlob = [s for s in seen if "care_programme" in s and "FROM visit" not in s]
    assert len(forlob) == 1, seen


def test_her_coming_visits_for_a_priority_are_read_without_swaps(app, factories, listen):
    """Ældreloven: the visits a priority can be set for are read without swaps, which she
    cannot have (DOMAIN.md "Ældreloven": § 94 a falls away), and as plain columns in one
    statement: as objects with their lines and swaps they were a quarter of a priority
    turn (issue 17). Every coming visit is there, with its planned elements."""
    household = build_ael_household(factories)
    planned = [
        (household.visit.id, (household.care.id, household.practical.id)),
        (household.later.id, (household.care.id,)),
    ]
    ctx = _fresh_context(household.citizen.id)
    made = _visits_made(listen)
    with counted_statements() as seen:
        visits = ctx.visits

    assert len(seen) == 1 and "swap_request" not in seen[0], seen
    assert made == []
    assert [(v.id, v.elements) for v in visits] == planned
    assert all(v.already_dropped == () and v.booked_minutes == 0 for v in visits)


def test_her_requests_for_reassessment_are_read_with_their_cases_in_one_statement(
    app, factories, listen
):
    """ "Min hjælp" lists her latest requests for a reassessment and how each case stands
    (DOMAIN.md "Adjustment and revisitation": every request for adjustment is followed
    up; the citizen sees what she asked for). Each request's case was read on its own: a
    citizen with a few requests took the turn over issue 17's 10 statements."""
    from selvvisitation.domain.types import CaseKind, CaseStatus, ReassessmentReason
    from selvvisitation.models import Case, ReassessmentRequest

    household = build_household(factories)
    citizen = household.citizen
    deadlines = [household.visit.day + timedelta(days=n) for n in (5, 9)]
    for n, (status, deadline) in enumerate(
        [(CaseStatus.OPEN, deadlines[0]), (CaseStatus.IN_PROGRESS, deadlines[1]), (None, None)]
    ):
        case = None
        if status is not None:
            case = Case(
                municipality_id=citizen.municipality_id,
                citizen=citizen,
                kind=CaseKind.REASSESSMENT_REQUEST,
                status=status,
                deadline=deadline,
            )
        db.session.add(
            ReassessmentRequest(
                citizen=citizen,
                case=case,
                reason=ReassessmentReason.MORE_HELP,
                requested_by_kind=ActorKind.CITIZEN,
                created_at=datetime(2026, 11, 2 + n, 9, 0, tzinfo=UTC),
            )
        )
    db.session.commit()
    ctx = _fresh_context(citizen.id)
    with counted_statements() as seen:
        requests = ctx.reassessments

    # Newest first, each with its case's status and deadline; one without a case is open.
    assert [(r["created"], r["status"], r["deadline"]) for r in requests] == [
        ("2026-11-04", "open", None),
        ("2026-11-03", "in_progress", deadlines[1].isoformat()),
        ("2026-11-02", "open", deadlines[0].isoformat()),
    ]
    assert {r["reason"] for r in requests} == {"more_help"}
    assert len(seen) == 1, seen
