"""The worker answers from her list: a wished swap before the visit, an ordinary visit
recorded as planned in one tap (issue 12, "The home-care worker" 2 and 3).

Each function is one transaction (services.transaction.one_transaction): it takes the
write lock, reads what it checks under it, writes, audits and queues the citizen's
notification; a refusal (StaffAnswerRefused) leaves nothing written.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import DeclineReason, SwapStatus, VisitServiceOutcome
from selvvisitation.domain.visit_record import PlannedItem, SwapDecision
from selvvisitation.models import StaffUser, SwapRequest, Visit
from selvvisitation.security import audit
from selvvisitation.security.locking import lock_for_write, locked_visit
from selvvisitation.services.ael_visits import is_ael_visit
from selvvisitation.services.staff_visits import (
    VisitRecord,
    audit_recorded,
    check_record,
    decide_swap,
    planned_items,
    save_record,
    swaps_to_confirm,
    tell_swap_answered,
    wishes_for,
)
from selvvisitation.services.transaction import one_transaction


class StaffAnswerRefused(Exception):
    """Refused; ``code`` names why: unavailable, answered, recorded, cancelled, not_yet,
    swaps_open, reason_missing, rules."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _team_visit(session: Session, visit_id: int | None, staff: StaffUser) -> Visit:
    visit = None if visit_id is None else locked_visit(session, visit_id)
    if visit is None or staff.team_id is None or visit.team_id != staff.team_id:
        raise StaffAnswerRefused("unavailable")
    return visit


def answer_swap_ahead(
    session: Session,
    *,
    swap_id: int,
    staff: StaffUser,
    accept: bool,
    reason: DeclineReason | None = None,
    reason_text: str = "",
    visit_id: int | None = None,
) -> SwapRequest:
    """The team answers a wished swap before the visit: yes, or no with the reason. The
    citizen is told at once, the way an answer at the visit is told; the record at the
    visit later confirms the yes (staff_visits.swaps_to_confirm).

    A standing swap is answered for one of its visits (``visit_id``), as at the record: the
    answer is a swap of its own for that visit, and the standing swap stays open for the
    others (seed 002 §8: the worker judges each visit on the day).
    Returns the swap that holds the answer."""
    with one_transaction(session):
        lock_for_write(session)
        swap = session.get(SwapRequest, swap_id)
        if swap is None:
            raise StaffAnswerRefused("unavailable")
        visit = _team_visit(session, visit_id if swap.visit_id is None else swap.visit_id, staff)
        refused = refusal_ahead(session, swap, visit)
        if refused is not None:
            raise StaffAnswerRefused(refused)
        if not accept and not reason_text.strip():
            raise StaffAnswerRefused("reason_missing")
        decision = SwapDecision(
            key=str(swap.id),
            accepted=accept,
            reason=None if accept else (reason or DeclineReason.OTHER),
            text="" if accept else reason_text,
        )
        answer = decide_swap(session, swap, visit, decision, staff)
        session.flush()
        audit.record(
            "update",
            citizen=visit.citizen,
            object_type="swap_request",
            object_id=answer.id,
            purpose="swap_decision",
            detail={"answer": answer.status.value, "before_visit": True, "by": staff.id},
        )
        tell_swap_answered(session, answer)
    return answer


def refusal_ahead(session: Session, swap: SwapRequest, visit: Visit) -> str | None:
    """Why the swap cannot be answered ahead for the visit (a StaffAnswerRefused code), or
    None. The visit is the swap's own, or for a standing swap one in its period."""
    standing = swap.visit_id is None
    if standing and not _standing_covers(swap, visit):
        return "unavailable"
    if swap.status != SwapStatus.REQUESTED or (
        standing and swap not in wishes_for(session, [visit])[visit.id].swaps
    ):
        return "answered"
    if visit.is_recorded:
        return "recorded"
    if visit.cancelled:
        return "cancelled"
    return None


def _standing_covers(swap: SwapRequest, visit: Visit) -> bool:
    """The visit is the citizen's and falls in the standing swap's period."""
    return (
        visit.citizen_id == swap.citizen_id
        and swap.period_start is not None
        and swap.period_end is not None
        and swap.period_start <= visit.day <= swap.period_end
    )


def record_as_planned(session: Session, *, visit_id: int, staff: StaffUser) -> Visit:
    """Som planlagt ("as planned"): every planned service delivered, nothing done instead.
    Refused while a wished swap waits for the worker's answer: that visit is recorded on
    the full form, prefilled from the answer."""
    with one_transaction(session):
        lock_for_write(session)
        visit = _team_visit(session, visit_id, staff)
        if visit.is_recorded:
            raise StaffAnswerRefused("recorded")
        if visit.cancelled:
            raise StaffAnswerRefused("cancelled")
        if visit.day > local_today():
            raise StaffAnswerRefused("not_yet")
        if is_ael_visit(visit):
            raise StaffAnswerRefused("unavailable")  # its own one-tap tick list (record_ael)
        if swaps_to_confirm(visit, wishes_for(session, [visit])[visit.id]):
            raise StaffAnswerRefused("swaps_open")
        record = VisitRecord(
            items=tuple(
                PlannedItem(
                    key=str(item.id),
                    service_code=item.service.code if item.service else None,
                    planned_minutes=item.planned_minutes,
                    outcome=VisitServiceOutcome.DELIVERED,
                )
                for item in planned_items(visit)
            ),
            instead=(),
            decisions={},
            acknowledged_now=False,
        )
        if not check_record(session, visit, record, []).ok:
            raise StaffAnswerRefused("rules")
        save_record(session, visit, record, [], staff)
        audit_recorded(session, visit, {"swaps": [], "by": staff.id, "as_planned": True})
    return visit
