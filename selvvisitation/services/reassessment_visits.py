"""The visitator's reassessment visit, each change one transaction with its audit entry.

The steps (book, move, cancel, the follow-up forms) are in services.case_actions; these
functions own the transaction around them, so a view only turns a form into one call.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from selvvisitation.models import AssessmentVisit, Case, StaffUser
from selvvisitation.security import audit
from selvvisitation.services.case_actions import (
    FollowUpAnswers,
    book_visit,
    cancel_visit,
    move_visit,
    record_follow_up,
)
from selvvisitation.services.transaction import one_transaction


def _visit_changed(visit: AssessmentVisit, action: str) -> None:
    audit.record(
        "update",
        citizen=visit.case.citizen,
        object_type="assessment_visit",
        object_id=visit.id,
        purpose="case_handling",
        detail={"action": action},
    )


def book_reassessment(
    session: Session,
    case: Case,
    staff: StaffUser,
    *,
    visitator: StaffUser,
    starts_at: datetime,
    note: str,
) -> AssessmentVisit:
    """Book the visit; the citizen is told (a notification queued in the same transaction)."""
    with one_transaction(session):
        visit = book_visit(
            session, case, staff, visitator=visitator, starts_at=starts_at, note=note
        )
        audit.record(
            "create",
            citizen=case.citizen,
            object_type="assessment_visit",
            object_id=visit.id,
            purpose="case_handling",
        )
    return visit


def move_reassessment(
    session: Session,
    visit: AssessmentVisit,
    staff: StaffUser,
    *,
    visitator: StaffUser,
    starts_at: datetime,
    reason: str,
) -> None:
    """Give the booked visit a new time (and perhaps visitator), with the reason."""
    with one_transaction(session):
        move_visit(session, visit, staff, visitator=visitator, starts_at=starts_at, reason=reason)
        _visit_changed(visit, "moved")


def cancel_reassessment(
    session: Session, visit: AssessmentVisit, staff: StaffUser, reason: str
) -> None:
    """Cancel the booked visit with the reason; the case waits again if still open."""
    with one_transaction(session):
        cancel_visit(session, visit, staff, reason)
        _visit_changed(visit, "cancelled")


def save_follow_up_forms(
    session: Session, visit: AssessmentVisit, staff: StaffUser, answers: FollowUpAnswers
) -> None:
    """Store Herning's two forms (seed 001) for the visit."""
    with one_transaction(session):
        record_follow_up(session, visit, staff, answers)
        audit.record(
            "create",
            citizen=visit.case.citizen,
            object_type="follow_up_forms",
            object_id=visit.id,
            purpose="case_handling",
        )
