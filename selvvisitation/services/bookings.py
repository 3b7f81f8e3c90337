"""Book minutes into a visit's time frame, safely under concurrency (issue 6; rule 4).

Two workers, or a worker and a relative, acting on the same visit at once must
never push it past its time frame (seed 004 §1.3: the swap stays within the
time granted for the visit). The check and the write happen in one transaction
that holds the visit's write lock:

    lock_for_write(db.session)               # BEGIN IMMEDIATE on SQLite
    swap = book_swap(db.session, visit_id=..., citizen_id=..., drop=[...], add=[...],
                     created_by_kind=ActorKind.RELATIVE, submission_token=form_token)
    audit.record("create", citizen=..., object_type="swap_request", object_id=swap.id, ...)
    db.session.commit()

`reserve_in_visit` is the bare check (for callers that write their own rows);
`book_swap` checks and stores a SwapRequest with its lines. Both raise
FrameExceeded (with the free minutes) instead of booking past the frame, and
neither commits. A repeated submission_token returns the first swap: a
double-clicked submit stores one record, even when the first one filled the frame.

Every swap is stored here: the citizen's dialogue (services/dialogue_effects.submit_swap)
books through `book_swap` too, so the frame has one rule path. A standing wish for a
period (``period=(first, last)``, no visit) has no visit to lock and no single frame:
the rules engine checked it against the window's frame, and the worker judges each day.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from selvvisitation.domain.types import ActorKind, SwapStatus
from selvvisitation.models import SwapLine, SwapRequest, Visit
from selvvisitation.security.locking import locked_visit

# Swaps that hold minutes in a visit: asked for, or accepted by the worker.
HOLDING = (SwapStatus.REQUESTED, SwapStatus.ACCEPTED)


class BookingError(Exception):
    """The booking was refused; `code` names why (for a translated message)."""

    code = "refused"


class VisitUnavailable(BookingError):
    # gone, cancelled, already recorded, someone else's, or earlier than the caller allows
    code = "visit_unavailable"


class FrameExceeded(BookingError):
    code = "frame_exceeded"

    def __init__(self, free_minutes: int) -> None:
        super().__init__(f"only {free_minutes} minutes are free in the visit's time frame")
        self.free_minutes = free_minutes


@dataclass(frozen=True)
class Line:
    """One swap line: a catalogue service (or free text) and its minutes."""

    minutes: int
    service_id: int | None = None
    free_text: str | None = None


def booked_minutes(session: Session, visit_id: int) -> int:
    """Minutes already taken in the visit by swaps that hold them (the added help)."""
    total = session.scalar(
        select(func.coalesce(func.sum(SwapLine.minutes), 0))
        .join(SwapRequest, SwapRequest.id == SwapLine.swap_id)
        .where(
            SwapRequest.visit_id == visit_id,
            SwapRequest.status.in_(HOLDING),
            SwapLine.kind == "add",
        )
    )
    return int(total or 0)


def _bookable_visit(
    session: Session, visit_id: int, citizen_id: int | None, not_before: date | None
) -> Visit:
    """The visit, locked for the transaction, if it can still take a booking."""
    visit = locked_visit(session, visit_id)
    if (
        visit is None
        or visit.cancelled
        or visit.recorded_at is not None
        or (citizen_id is not None and visit.citizen_id != citizen_id)
        or (not_before is not None and visit.day < not_before)
    ):
        raise VisitUnavailable("the visit cannot take a booking")
    return visit


def _check_frame(session: Session, visit: Visit, minutes: int) -> None:
    """Rule 4: the minutes booked at the visit, these included, stay within its time frame."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    free = visit.time_frame_minutes - booked_minutes(session, visit.id)
    if minutes > free:
        raise FrameExceeded(max(free, 0))


def reserve_in_visit(
    session: Session,
    visit_id: int,
    minutes: int,
    *,
    citizen_id: int | None = None,
    not_before: date | None = None,
) -> Visit:
    """Lock the visit and check `minutes` more fit its time frame; return the locked visit.

    Call lock_for_write(session) first. Raises VisitUnavailable or FrameExceeded;
    `not_before` refuses a visit on an earlier day (the citizen swaps from tomorrow on).
    """
    visit = _bookable_visit(session, visit_id, citizen_id, not_before)
    _check_frame(session, visit, minutes)
    return visit


def _by_token(session: Session, token: str | None) -> SwapRequest | None:
    if not token:
        return None
    return session.scalars(select(SwapRequest).where(SwapRequest.submission_token == token)).first()


def book_swap(
    session: Session,
    *,
    citizen_id: int,
    drop: Sequence[Line],
    add: Sequence[Line],
    created_by_kind: ActorKind,
    visit_id: int | None = None,
    period: tuple[date, date] | None = None,
    not_before: date | None = None,
    created_by_relative_id: int | None = None,
    created_by_staff_id: int | None = None,
    submission_token: str | None = None,
    acknowledged_at: datetime | None = None,
    acknowledged_by_kind: ActorKind | None = None,
) -> SwapRequest:
    """Check the frame and store a swap at one visit, or for a period; the caller holds
    the write lock. ``acknowledged_*``: rule 6, the notice ticked before confirming."""
    if (visit_id is None) == (period is None):
        raise ValueError("a swap is for one visit or for a period")
    visit = None
    if visit_id is not None:
        visit = _bookable_visit(session, visit_id, citizen_id, not_before)
    existing = _by_token(session, submission_token)  # read after the lock: sees a twin's commit
    if existing is not None:
        return existing
    if visit is not None:
        _check_frame(session, visit, sum(line.minutes for line in add))
    swap = SwapRequest(
        reference="BYT-" + secrets.token_hex(4).upper(),
        submission_token=submission_token,
        citizen_id=citizen_id,
        visit_id=visit_id,
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        status=SwapStatus.REQUESTED,
        created_by_kind=created_by_kind,
        created_by_relative_id=created_by_relative_id,
        created_by_staff_id=created_by_staff_id,
        acknowledged_cannot_demand_at=acknowledged_at,
        acknowledged_by_kind=acknowledged_by_kind,
        lines=[
            *(
                SwapLine(
                    kind="drop", service_id=x.service_id, free_text=x.free_text, minutes=x.minutes
                )
                for x in drop
            ),
            *(
                SwapLine(
                    kind="add", service_id=x.service_id, free_text=x.free_text, minutes=x.minutes
                )
                for x in add
            ),
        ],
    )
    try:
        with session.begin_nested():  # a twin that slipped past the lock hits the unique token
            session.add(swap)
    except IntegrityError:
        twin = _by_token(session, submission_token)
        if twin is None:
            raise
        return twin
    return swap
