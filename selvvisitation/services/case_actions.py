"""The visitator's actions on a case: each one transaction, each a CaseEvent with who and when.

Takes the session, never commits: the view commits once, so an action is all or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from selvvisitation.domain.assessment import AssessmentStatus, Satisfaction, YesPartlyNo
from selvvisitation.domain.letter import LetterInput, LetterLine, compose
from selvvisitation.domain.replan import Replan, time_of_day_for
from selvvisitation.domain.types import ActorKind, CaseStatus, FlagStatus, Frequency
from selvvisitation.models import (
    AssessmentVisit,
    Case,
    CaseEvent,
    Decision,
    Flag,
    GrantedService,
    PerceivedQuality,
    Service,
    StaffUser,
    VisitatorObservation,
    utcnow,
)
from selvvisitation.services import replanning
from selvvisitation.services.adapters import policy_for


class CaseClosedError(RuntimeError):
    """The case is closed; nothing more can be done on it."""


def _event(case: Case, staff: StaffUser, kind: str, text: str = "", **data: object) -> None:
    case.events.append(
        CaseEvent(
            actor_kind=ActorKind.STAFF,
            actor_staff_id=staff.id,
            kind=kind,
            text=text,
            data=data,
        )
    )


def _require_open(case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        raise CaseClosedError(f"case {case.id} is closed")


def dismiss_case(session: Session, case: Case, staff: StaffUser, reason: str) -> None:
    """Close the case without a change; its open flags become DISMISSED with the reason.

    The flag engine counts only evidence after ``dismissed_at``, so the same deselections
    never raise the flag again.
    """
    _require_open(case)
    now = utcnow()
    for flag in session.scalars(
        select(Flag).where(Flag.case_id == case.id, Flag.status == FlagStatus.OPEN)
    ):
        flag.status = FlagStatus.DISMISSED
        flag.dismissed_at = now
        flag.dismissed_by_staff_id = staff.id
        flag.dismissed_reason = reason
        flag.updated_at = now
    case.status = CaseStatus.CLOSED
    case.closed_at = now
    case.outcome = reason
    _event(case, staff, "dismissed", reason)


@dataclass(frozen=True)
class NewGrant:
    service_id: int
    minutes: int
    frequency: Frequency
    weekdays: tuple[int, ...]
    start: date
    end: date | None


def _letter_line(
    service: Service,
    minutes: int,
    frequency: Frequency,
    weekdays: tuple[int, ...],
    start: date | None,
    end: date | None,
) -> LetterLine:
    return LetterLine(service.name_da, minutes, frequency, weekdays, start, end)


def change_decision(
    session: Session,
    case: Case,
    staff: StaffUser,
    *,
    grants: Sequence[NewGrant],
    valid_from: date,
    reasons: str,
    today: date,
) -> tuple[Decision, Replan]:
    """Make a new decision version with its letter; the old one is superseded, unchanged.

    The new version is flushed first to get its id; the old one then gets both
    superseded_at and superseded_by_id in one flush (a superseded version is immutable).
    The citizen's coming visits are re-planned from its start in the same transaction
    (services/replanning.py): call lock_for_write first.
    """
    _require_open(case)
    citizen = case.citizen
    previous = citizen.current_decision
    version = (
        session.scalar(select(func.max(Decision.version)).where(Decision.citizen_id == citizen.id))
        or 0
    ) + 1
    services = replanning.services_by_id(session, [g.service_id for g in grants])
    policy = policy_for(citizen.municipality)
    previous_lines = [
        _letter_line(
            g.service,
            g.minutes_per_delivery,
            g.frequency,
            g.weekday_tuple,
            g.start_date,
            g.end_date,
        )
        for g in (previous.granted_services if previous else [])
    ]
    decision = Decision(
        citizen=citizen,
        version=version,
        valid_from=valid_from,
        decided_by_staff_id=staff.id,
        reasons=reasons,
    )
    session.add(decision)
    times_of_day = replanning.previous_times_of_day(previous)
    for grant in grants:
        decision.granted_services.append(
            GrantedService(
                service_id=grant.service_id,
                time_of_day=time_of_day_for(
                    grant.service_id, services[grant.service_id].category, times_of_day
                ),
                minutes_per_delivery=grant.minutes,
                frequency=grant.frequency,
                weekdays=",".join(str(d) for d in grant.weekdays),
                start_date=grant.start,
                end_date=grant.end,
            )
        )
    decision.letter_text = compose(
        LetterInput(
            citizen_name=citizen.name,
            municipality_name=citizen.municipality.name,
            visitation_phone=citizen.municipality.visitation_phone,
            visitator_name=staff.name,
            decided_on=today,
            valid_from=valid_from,
            version=version,
            lines=[
                _letter_line(
                    services[g.service_id], g.minutes, g.frequency, g.weekdays, g.start, g.end
                )
                for g in grants
            ],
            previous=previous_lines,
            reasons=reasons,
            legal_references=policy.legal_references,
        )
    )
    session.flush()
    if previous is not None:
        previous.superseded_at = utcnow()
        previous.superseded_by_id = decision.id
    now = utcnow()
    for flag in session.scalars(
        select(Flag).where(Flag.case_id == case.id, Flag.status == FlagStatus.OPEN)
    ):
        flag.status = FlagStatus.CLOSED
        flag.closed_at = now
        flag.closed_reason = f"Afgørelsen er ændret (version {version})."
        flag.updated_at = now
    case.status = CaseStatus.CLOSED
    case.closed_at = now
    case.outcome = f"Afgørelsen er ændret (version {version})."
    replan = replanning.apply(session, decision)
    _event(
        case,
        staff,
        "decision_changed",
        reasons,
        decision_id=decision.id,
        version=version,
        visits_changed=replan.changed_visits,
        swaps_lapsed=len(replan.lapsed_swaps),
    )
    session.flush()
    return decision, replan


def book_visit(
    session: Session,
    case: Case,
    staff: StaffUser,
    *,
    visitator: StaffUser,
    starts_at: datetime,
    note: str = "",
) -> AssessmentVisit:
    _require_open(case)
    visit = AssessmentVisit(
        case=case,
        citizen_id=case.citizen_id,
        visitator_staff_id=visitator.id,
        starts_at=starts_at,
        booked_by_staff_id=staff.id,
        note=note,
    )
    session.add(visit)
    case.status = CaseStatus.IN_PROGRESS
    session.flush()
    _event(
        case,
        staff,
        "visit_booked",
        note,
        visit_id=visit.id,
        starts_at=starts_at.isoformat(),
        visitator_id=visitator.id,
    )
    return visit


class VisitNotBookedError(RuntimeError):
    """The reassessment visit is no longer booked (held or cancelled): it cannot change."""


def _require_booked(visit: AssessmentVisit) -> None:
    if visit.status != AssessmentStatus.BOOKED:
        raise VisitNotBookedError(f"assessment visit {visit.id} is {visit.status}")


def move_visit(
    session: Session,
    visit: AssessmentVisit,
    staff: StaffUser,
    *,
    visitator: StaffUser,
    starts_at: datetime,
    reason: str,
) -> None:
    """Give a booked reassessment visit a new time (and perhaps visitator), with the reason."""
    _require_booked(visit)
    before = visit.starts_at
    visit.starts_at = starts_at
    visit.visitator_staff_id = visitator.id
    _event(
        visit.case,
        staff,
        "visit_moved",
        reason,
        visit_id=visit.id,
        starts_at_before=before.isoformat(),
        starts_at=starts_at.isoformat(),
        visitator_id=visitator.id,
    )
    session.flush()


def cancel_visit(session: Session, visit: AssessmentVisit, staff: StaffUser, reason: str) -> None:
    """Cancel a booked reassessment visit with the reason; the case waits again if open."""
    _require_booked(visit)
    visit.status = AssessmentStatus.CANCELLED
    case = visit.case
    still_booked = session.scalar(
        select(func.count())
        .select_from(AssessmentVisit)
        .where(
            AssessmentVisit.case_id == case.id,
            AssessmentVisit.id != visit.id,
            AssessmentVisit.status == AssessmentStatus.BOOKED,
        )
    )
    if case.status == CaseStatus.IN_PROGRESS and not still_booked:
        case.status = CaseStatus.OPEN
    _event(
        case,
        staff,
        "visit_cancelled",
        reason,
        visit_id=visit.id,
        starts_at=visit.starts_at.isoformat(),
    )
    session.flush()


@dataclass(frozen=True)
class FollowUpAnswers:
    """Herning's two forms (seed 001): perceived quality; the visitator's observations."""

    satisfaction: Satisfaction
    help_as_granted: YesPartlyNo
    heard_and_involved: YesPartlyNo
    citizen_comment: str
    matches_decision: YesPartlyNo
    goals_met: YesPartlyNo
    meets_service_level: YesPartlyNo
    notes: str


def record_follow_up(
    session: Session, visit: AssessmentVisit, staff: StaffUser, answers: FollowUpAnswers
) -> None:
    """Store both forms with the provider that delivered the help (for supervision)."""
    provider_id = visit.citizen.provider_id
    session.add_all(
        [
            PerceivedQuality(
                visit=visit,
                citizen_id=visit.citizen_id,
                provider_id=provider_id,
                satisfaction=answers.satisfaction,
                help_as_granted=answers.help_as_granted,
                heard_and_involved=answers.heard_and_involved,
                comment=answers.citizen_comment,
                recorded_by_staff_id=staff.id,
            ),
            VisitatorObservation(
                visit=visit,
                citizen_id=visit.citizen_id,
                provider_id=provider_id,
                matches_decision=answers.matches_decision,
                goals_met=answers.goals_met,
                meets_service_level=answers.meets_service_level,
                notes=answers.notes,
                recorded_by_staff_id=staff.id,
            ),
        ]
    )
    visit.status = AssessmentStatus.HELD
    _event(visit.case, staff, "forms_recorded", visit_id=visit.id)
