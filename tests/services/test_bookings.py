"""bookings.book_swap and reserve_in_visit, one connection at a time (rule 4; 004 §1.3.3).

The concurrent cases are in tests/security/test_concurrency.py; these are the rules a
single caller meets: a repeated submit after the frame filled, a visit earlier than the
caller allows, a standing wish for a period.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import ActorKind
from selvvisitation.extensions import db
from selvvisitation.models import SwapRequest
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

pytestmark = pytest.mark.today(MONDAY)


@pytest.fixture
def visit(factories):
    v = factories.Visit(time_frame_minutes=60, day=local_today() + timedelta(days=1))
    factories.VisitService(visit=v, planned_minutes=60)
    db.session.commit()
    lock_for_write(db.session)
    return v


def _book(visit, service, minutes: int, **extra) -> SwapRequest:
    return book_swap(
        db.session,
        visit_id=visit.id,
        citizen_id=visit.citizen_id,
        drop=[Line(minutes, service.id)],
        add=[Line(minutes, service.id)],
        created_by_kind=ActorKind.CITIZEN,
        **extra,
    )


def test_a_repeated_submit_returns_the_first_swap_even_when_it_filled_the_frame(visit, factories):
    service = factories.Service(municipality=visit.citizen.municipality)
    first = _book(visit, service, 40, submission_token="form-1")
    again = _book(visit, service, 40, submission_token="form-1")
    assert again.id == first.id and booked_minutes(db.session, visit.id) == 40
    with pytest.raises(FrameExceeded) as full:
        _book(visit, service, 40, submission_token="form-2")
    assert full.value.free_minutes == 20
    db.session.rollback()


def test_a_visit_earlier_than_the_caller_allows_is_refused(visit, factories):
    service = factories.Service(municipality=visit.citizen.municipality)
    with pytest.raises(VisitUnavailable):
        _book(visit, service, 10, not_before=visit.day + timedelta(days=1))
    with pytest.raises(VisitUnavailable):
        reserve_in_visit(db.session, visit.id, 10, not_before=visit.day + timedelta(days=1))
    assert _book(visit, service, 10, not_before=visit.day).visit_id == visit.id
    db.session.rollback()


def test_a_standing_wish_for_a_period_is_stored_without_a_visit(visit, factories):
    service = factories.Service(municipality=visit.citizen.municipality)
    first, last = visit.day, visit.day + timedelta(days=13)
    swap = book_swap(
        db.session,
        period=(first, last),
        citizen_id=visit.citizen_id,
        drop=[Line(20, service.id)],
        add=[Line(20, None, "En gåtur")],
        created_by_kind=ActorKind.RELATIVE,
        acknowledged_at=None,
        acknowledged_by_kind=ActorKind.RELATIVE,
    )
    db.session.commit()
    assert (swap.visit_id, swap.period_start, swap.period_end) == (None, first, last)
    assert [(line.kind, line.free_text) for line in swap.lines] == [
        ("drop", None),
        ("add", "En gåtur"),
    ]
    assert booked_minutes(db.session, visit.id) == 0  # a period holds no visit's minutes


@pytest.mark.parametrize("where", ["both", "neither"])
def test_a_swap_is_for_one_visit_or_a_period(visit, factories, where):
    service = factories.Service(municipality=visit.citizen.municipality)
    place = {"visit_id": visit.id, "period": (visit.day, visit.day)} if where == "both" else {}
    with pytest.raises(ValueError):
        book_swap(
            db.session,
            citizen_id=visit.citizen_id,
            drop=[Line(5, service.id)],
            add=[],
            created_by_kind=ActorKind.CITIZEN,
            **place,
        )
    db.session.rollback()
    assert db.session.scalar(select(func.count(SwapRequest.id))) == 0
