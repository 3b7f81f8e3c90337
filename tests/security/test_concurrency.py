"""Concurrent bookings never push a visit past its time frame; a double submit stores one.

Issue 6 "Concurrency and no lost data" and rule 4 (seed 004 §1.3: the swap stays
within the visit's time). Many threads, each with its own database session and
connection, book into the same visit at the same moment; on PostgreSQL the visit
row lock (SELECT … FOR UPDATE) and on SQLite BEGIN IMMEDIATE must serialise them.
Runs on both databases (TEST_DATABASE_URL).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from selvvisitation.domain.types import ActorKind, ReassessmentReason
from selvvisitation.extensions import db
from selvvisitation.models import ReassessmentRequest, SwapLine, SwapRequest
from selvvisitation.security.locking import lock_for_write
from selvvisitation.services.bookings import (
    FrameExceeded,
    Line,
    VisitUnavailable,
    book_swap,
    booked_minutes,
    reserve_in_visit,
)
from tests.clock import MONDAY
from tests.security.at_once import at_once

pytestmark = pytest.mark.today(MONDAY)

WORKERS = 16


def _fire(count: int, attempt) -> list[str]:
    """Run `attempt(i, session)` in `count` threads released at the same moment."""

    def run(i: int, session: Session) -> str:
        try:
            lock_for_write(session)
            attempt(i, session)
            session.commit()
            return "booked"
        except FrameExceeded:
            session.rollback()
            return "full"

    return at_once(count, run)


@pytest.fixture
def visit(factories):
    v = factories.Visit(time_frame_minutes=60)
    factories.VisitService(visit=v, planned_minutes=60)
    return v


def test_sixteen_simultaneous_swaps_fill_the_frame_and_never_more(visit, factories):
    service = factories.Service(municipality=visit.citizen.municipality)
    relative = factories.Consent(citizen=visit.citizen).relative
    staff = factories.StaffUser(municipality=visit.citizen.municipality)
    citizen_id, visit_id = visit.citizen_id, visit.id

    def attempt(i: int, session: Session) -> None:
        # Half act as the worker on the day, half as the relative at home.
        by_worker = i % 2 == 0
        book_swap(
            session,
            visit_id=visit_id,
            citizen_id=citizen_id,
            drop=[Line(minutes=15, service_id=service.id)],
            add=[Line(minutes=15, service_id=service.id)],
            created_by_kind=ActorKind.STAFF if by_worker else ActorKind.RELATIVE,
            created_by_staff_id=staff.id if by_worker else None,
            created_by_relative_id=None if by_worker else relative.id,
        )

    outcomes = _fire(WORKERS, attempt)
    db.session.rollback()
    assert outcomes.count("booked") == 4, outcomes
    assert outcomes.count("full") == WORKERS - 4
    assert booked_minutes(db.session, visit_id) == 60
    assert db.session.scalar(select(func.count(SwapRequest.id))) == 4
    # No half-written swap: every swap has both its lines.
    assert db.session.scalar(select(func.count(SwapLine.id))) == 8


def test_uneven_simultaneous_reservations_never_exceed_the_frame(visit):
    visit_id = visit.id
    minutes = [7, 11, 13, 17, 19, 23, 5, 9, 29, 3, 31, 2, 37, 41, 43, 47]
    booked: list[int] = []
    lock = threading.Lock()

    def attempt(i: int, session: Session) -> None:
        reserve_in_visit(session, visit_id, minutes[i])
        # The reservation's own row: a swap line for the minutes just reserved.
        session.add(
            SwapRequest(
                reference=f"T-{i}",
                citizen_id=session.get(type(visit), visit_id).citizen_id,
                visit_id=visit_id,
                created_by_kind=ActorKind.STAFF,
                lines=[SwapLine(kind="add", minutes=minutes[i])],
            )
        )
        with lock:
            booked.append(minutes[i])

    outcomes = _fire(len(minutes), attempt)
    db.session.rollback()
    assert booked_minutes(db.session, visit_id) == sum(booked) <= 60
    # Every refusal was right: what was refused did not fit in what is still free.
    free = 60 - sum(booked)
    refused = [m for m, outcome in zip(minutes, outcomes, strict=True) if outcome == "full"]
    assert refused and all(m > free for m in refused)


def test_a_double_clicked_submit_stores_one_swap(visit, factories):
    service = factories.Service(municipality=visit.citizen.municipality)
    citizen_id, visit_id = visit.citizen_id, visit.id
    references: list[str] = []
    lock = threading.Lock()

    def attempt(_i: int, session: Session) -> None:
        swap = book_swap(
            session,
            visit_id=visit_id,
            citizen_id=citizen_id,
            drop=[Line(minutes=30, service_id=service.id)],
            add=[Line(minutes=30, service_id=service.id)],
            created_by_kind=ActorKind.CITIZEN,
            submission_token="form-token-1",
        )
        session.flush()
        with lock:
            references.append(swap.reference)

    outcomes = _fire(8, attempt)
    db.session.rollback()
    assert outcomes == ["booked"] * 8
    assert len(set(references)) == 1
    assert db.session.scalar(select(func.count(SwapRequest.id))) == 1
    assert booked_minutes(db.session, visit_id) == 30


def test_the_database_refuses_a_second_reassessment_request_with_the_same_token(factories):
    citizen = factories.Citizen()
    for _ in range(2):
        db.session.add(
            ReassessmentRequest(
                citizen_id=citizen.id,
                reason=ReassessmentReason.MORE_HELP,
                requested_by_kind=ActorKind.CITIZEN,
                submission_token="same-form",
            )
        )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(func.count(ReassessmentRequest.id))) == 0


@pytest.mark.parametrize("state", ["cancelled", "recorded", "someone else's"])
def test_a_visit_that_cannot_take_a_booking_is_refused(visit, factories, state):
    from datetime import UTC, datetime

    citizen_id = visit.citizen_id
    if state == "cancelled":
        visit.cancelled = True
    elif state == "recorded":
        visit.recorded_at = datetime.now(UTC)
    else:
        citizen_id = factories.Citizen().id
    db.session.commit()
    lock_for_write(db.session)
    with pytest.raises(VisitUnavailable):
        reserve_in_visit(db.session, visit.id, 5, citizen_id=citizen_id)
    db.session.rollback()


def test_declined_and_withdrawn_swaps_give_their_minutes_back(visit, factories):
    from selvvisitation.domain.types import SwapStatus

    for status in (SwapStatus.DECLINED, SwapStatus.WITHDRAWN, SwapStatus.ACCEPTED):
        db.session.add(
            SwapRequest(
                reference=f"S-{status.value}",
                citizen_id=visit.citizen_id,
                visit_id=visit.id,
                status=status,
                created_by_kind=ActorKind.CITIZEN,
                lines=[SwapLine(kind="add", minutes=20)],
            )
        )
    db.session.commit()
    assert booked_minutes(db.session, visit.id) == 20
    lock_for_write(db.session)
    reserve_in_visit(db.session, visit.id, 40)
    with pytest.raises(FrameExceeded) as refused:
        reserve_in_visit(db.session, visit.id, 41)
    assert refused.value.free_minutes == 40
    db.session.rollback()
