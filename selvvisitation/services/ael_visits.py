"""The home-care worker and an AEL visit: the priorities to see, and the light record to save.

DOMAIN.md "Ældreloven": the worker sees what matters most to the citizen, decides on the day
what is safe, and records the elements done (a tick list) and each priority met or not met
with a reason; no minutes unless the municipality turns on optional time. The rules are in
domain.priority_rules; here they meet the rows. No Flask.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from selvvisitation.domain.notifications import NotificationEvent
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.priority_rules import (
    ElementLine,
    PriorityAnswer,
    check_ael_record,
)
from selvvisitation.domain.types import LegalBasis, PriorityStatus
from selvvisitation.models import StaffUser, Visit
from selvvisitation.models.base import utcnow
from selvvisitation.models.priorities import VisitPriority
from selvvisitation.models.visits import VisitElement
from selvvisitation.services.for_visits import at_visits_or_standing
from selvvisitation.services.notifications import queue_notification, tell_visit_carried_out
from selvvisitation.services.references import new_reference


def new_priority_reference(session: Session) -> str:
    """A new "PRI-" reference: eight random digits, unique (like the swap's BYT-)."""
    return new_reference(session, VisitPriority.reference, "PRI")


def is_ael_visit(visit: Visit) -> bool:
    """A visit of the forløb: its lines are elements, or the citizen's decision is AEL."""
    if visit.elements:
        return True
    decision = visit.citizen.current_decision
    return decision is not None and decision.legal_basis == LegalBasis.AEL


# The priorities shown with the bound visits (services.for_visits), as the day list reads
# them too (services.day_list).
PRIORITIES_SHOWN = (
    at_visits_or_standing(VisitPriority),
    VisitPriority.status.not_in((PriorityStatus.WITHDRAWN, PriorityStatus.LAPSED)),
)
# Built once: composing the statement cost more than running it (issue 17).
_PRIORITIES_SHOWN = (
    select(VisitPriority)
    .where(*PRIORITIES_SHOWN)
    # Joined: many-to-one, so the priorities stay one statement (issue 17).
    .options(joinedload(VisitPriority.element), joinedload(VisitPriority.created_by_relative))
    .order_by(VisitPriority.created_at, VisitPriority.id)
)


def priorities_for(session: Session, visits: Sequence[Visit]) -> dict[int, list[VisitPriority]]:
    """Priorities per visit id: those for the visit, and standing ones covering its day."""
    if not visits:
        return {}
    citizen_ids = sorted({v.citizen_id for v in visits})
    first, last = min(v.day for v in visits), max(v.day for v in visits)
    bound = {"visit_ids": [v.id for v in visits], "citizen_ids": citizen_ids}
    rows = session.scalars(_PRIORITIES_SHOWN, {**bound, "first": first, "last": last}).all()
    return priorities_by_visit(visits, rows)


def priorities_by_visit(visits: Sequence[Any], rows: Sequence[Any]) -> dict[int, list[Any]]:
    """priorities_for's grouping of the priorities read (in their order) by visit; they may
    be ORM rows or records with the same attributes (services.day_list)."""
    result: dict[int, list[Any]] = {}
    at_visit: dict[int, list[Any]] = defaultdict(list)
    standing: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        if row.visit_id is not None:
            at_visit[row.visit_id].append(row)
        else:
            standing[row.citizen_id].append(row)
    for visit in visits:
        answered = {p.standing_priority_id for p in at_visit[visit.id]}
        result[visit.id] = at_visit[visit.id] + [
            p
            for p in standing[visit.citizen_id]
            if p.period_start is not None
            and p.period_end is not None
            and p.period_start <= visit.day <= p.period_end
            and p.id not in answered  # answered at this visit: its answer is shown instead
        ]
    return result


def planned_elements(visit: Visit) -> list[VisitElement]:
    return list(visit.elements)


@dataclass(frozen=True)
class AelRecord:
    """What the worker recorded at an AEL visit (domain.priority_rules' terms)."""

    elements: tuple[ElementLine, ...]
    answers: tuple[PriorityAnswer, ...]
    minutes: int | None = None
    note: str = ""


def check_ael_visit(record: AelRecord, policy: Policy) -> list[tuple[str, str]]:
    """(key, problem code) for the record; empty when it may be saved."""
    return check_ael_record(
        list(record.elements), list(record.answers), policy=policy, minutes=record.minutes
    )


def save_ael_record(
    session: Session,
    visit: Visit,
    record: AelRecord,
    priorities: Sequence[VisitPriority],
    staff: StaffUser,
) -> None:
    """Write a checked record: element outcomes, priorities answered, the visit recorded.

    The caller holds the write lock and checked the record. A standing priority stays on the
    visits of its period; its answer at this visit is a row of its own (one "not met" per visit).
    """
    now = utcnow()
    lines = {line.key: line for line in record.elements}
    for element in visit.elements:
        line = lines.get(str(element.id))
        if line is not None:
            element.outcome = line.outcome
    answers = {answer.key: answer for answer in record.answers}
    answered: list[VisitPriority] = []
    for priority in priorities:
        answer = answers.get(str(priority.id))
        if answer is None or answer.met is None:
            continue
        if priority.visit_id is None:
            # A standing priority stays for its period; this visit's answer is its own row.
            priority = VisitPriority(
                citizen_id=priority.citizen_id,
                reference=new_priority_reference(session),
                visit_id=visit.id,
                element_id=priority.element_id,
                kind=priority.kind,
                text=priority.text,
                created_by_relative_id=priority.created_by_relative_id,
                standing_priority_id=priority.id,
            )
            session.add(priority)
        priority.status = PriorityStatus.MET if answer.met else PriorityStatus.NOT_MET
        priority.not_met_reason = None if answer.met else answer.reason
        priority.not_met_text = "" if answer.met else " ".join(answer.reason_text.split())
        priority.answered_at = now
        priority.answered_by_staff_id = staff.id
        answered.append(priority)
    visit.recorded_minutes = record.minutes
    visit.note = record.note
    visit.recorded_at = now
    visit.recorded_by_staff_id = staff.id
    session.flush()
    for priority in answered:  # issue 14: the answer, and why, to those who chose it
        met = priority.status == PriorityStatus.MET
        queue_notification(
            session,
            citizen_id=priority.citizen_id,
            event=NotificationEvent.PRIORITY_MET if met else NotificationEvent.PRIORITY_NOT_MET,
            params={
                "priority_id": priority.id,
                "reason": None
                if met or priority.not_met_reason is None
                else priority.not_met_reason.value,
            },
        )
    tell_visit_carried_out(session, visit)
