"""The visitator's actions on a case: each one transaction, each a CaseEvent with who and when.

Takes the session, never commits: the view commits once, so an action is all or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from selvvisitation.domain import fsiii_elderly
from selvvisitation.domain.ael import BasisSuggestion, suggest_basis
from selvvisitation.domain.ael_replan import AelReplan
from selvvisitation.domain.assessment import AssessmentStatus, Satisfaction, YesPartlyNo
from selvvisitation.domain.cpr import CprError, birth_date
from selvvisitation.domain.letter import (
    AelElementLine,
    AelLetterInput,
    LetterInput,
    LetterLine,
    compose,
    compose_ael,
)
from selvvisitation.domain.notifications import NotificationEvent
from selvvisitation.domain.replan import Replan, time_of_day_for
from selvvisitation.domain.types import ActorKind, CaseStatus, FlagStatus, Frequency, LegalBasis
from selvvisitation.models import (
    AssessmentVisit,
    CareProgramme,
    Case,
    CaseEvent,
    Citizen,
    Decision,
    Flag,
    GrantedElement,
    GrantedService,
    PerceivedQuality,
    Provider,
    Service,
    StaffUser,
    VisitatorObservation,
    utcnow,
)
from selvvisitation.security import audit
from selvvisitation.security.locking import lock_for_write
from selvvisitation.services import replanning
from selvvisitation.services.adapters import policy_for
from selvvisitation.services.notifications import queue_notification
from selvvisitation.services.transaction import one_transaction


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


def dismiss_case(
    session: Session,
    case: Case,
    staff: StaffUser,
    reason: str,
    *,
    citizen_reason: str = "",
    event: str = "dismissed",
) -> None:
    """Close the case without a change; its open flags become DISMISSED with the reason.

    The flag engine counts only evidence after ``dismissed_at``, so the same deselections
    never raise the flag again. One transaction with its audit entry. A call-back case is
    closed the same way with ``event="called_back"`` ("Ringet op", issue 13).
    """
    with one_transaction(session):
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
        case.outcome_for_citizen = citizen_reason
        _event(case, staff, event, reason)
        audit.record(
            "update",
            citizen=case.citizen,
            object_type="case",
            object_id=case.id,
            purpose="case_handling",
            detail={"action": event},
        )


def set_case_priority(session: Session, case: Case, staff: StaffUser, priority: int) -> None:
    """The visitator's own judgement of how urgent the case is (issue 12: the queue's order),
    over what the citizen's words suggested. One transaction with its event and audit."""
    with one_transaction(session):
        _require_open(case)
        before = case.priority
        case.priority = priority
        _event(case, staff, "priority_changed", before=before, after=priority)
        audit.record(
            "update",
            citizen=case.citizen,
            object_type="case",
            object_id=case.id,
            purpose="case_handling",
            detail={"action": "priority_changed"},
        )


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


def _granted_lines(decision: Decision | None) -> list[LetterLine]:
    """A decision's granted services as the letter states them."""
    return [
        _letter_line(
            g.service,
            g.minutes_per_delivery,
            g.frequency,
            g.weekday_tuple,
            g.start_date,
            g.end_date,
        )
        for g in (decision.granted_services if decision else [])
    ]


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
    version = _next_version(session, citizen.id)
    services = replanning.services_by_id(session, [g.service_id for g in grants])
    policy = policy_for(citizen.municipality)
    previous_lines = _granted_lines(previous)
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
    _supersede_and_close(session, case, previous, decision)
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
    tell_decision(session, decision)
    return decision, replan


def _next_version(session: Session, citizen_id: int) -> int:
    return (
        session.scalar(select(func.max(Decision.version)).where(Decision.citizen_id == citizen_id))
        or 0
    ) + 1


def _supersede_and_close(
    session: Session, case: Case, previous: Decision | None, decision: Decision
) -> None:
    """Flush the new version, supersede the old one in one flush, close the case's flags."""
    session.flush()
    if previous is not None:
        previous.superseded_at = utcnow()
        previous.superseded_by_id = decision.id
    now = utcnow()
    outcome = f"Afgørelsen er ændret (version {decision.version})."
    for flag in session.scalars(
        select(Flag).where(Flag.case_id == case.id, Flag.status == FlagStatus.OPEN)
    ):
        flag.status = FlagStatus.CLOSED
        flag.closed_at = now
        flag.closed_reason = outcome
        flag.updated_at = now
    case.status = CaseStatus.CLOSED
    case.closed_at = now
    case.outcome = outcome


# --- Ældreloven: a decision granting one forløb (DOMAIN.md "Ældreloven") ---------------------


class ProviderNotAllowedError(ValueError):
    """The provider is not one the citizen may choose (ÆL § 18, § 21) or cannot give the help."""


@dataclass(frozen=True)
class NewForlob:
    """What the visitator grants under Ældreloven: one forløb and its particulars."""

    programme_id: int
    meanings: dict[int, str]  # element id -> what it means for this citizen, plain words
    goals: str
    visit_frequency_text: str
    provider_id: int | None  # None for a plejebolig resident: no choice (ÆL § 21)
    follow_up_date: date | None
    valid_from: date
    reasons: str


def basis_suggestion(citizen: Citizen, today: date) -> BasisSuggestion:
    """What the check page suggests for this citizen (domain/ael.py); the visitator chooses."""
    try:
        born = birth_date(citizen.cpr or "")
    except CprError:
        born = None
    return suggest_basis(policy_for(citizen.municipality), born, today)


def lives_in_nursing_home(citizen: Citizen) -> bool:
    """Reading (ÆL § 21): a citizen whose provider is a plejebolig has no free choice."""
    return citizen.provider is not None and citizen.provider.is_nursing_home


def choosable_providers(session: Session, citizen: Citizen) -> list[Provider]:
    """Free choice among the municipality's registered providers (ÆL § 18); none in
    plejebolig (§ 21), where the plejebolig gives the help."""
    if lives_in_nursing_home(citizen):
        return []
    return list(
        session.scalars(
            select(Provider)
            .where(
                Provider.municipality_id == citizen.municipality_id,
                Provider.is_nursing_home.is_(False),
            )
            .order_by(Provider.name)
        )
    )


def programmes_for(session: Session, municipality_id: int) -> list[CareProgramme]:
    return list(
        session.scalars(
            select(CareProgramme)
            .where(CareProgramme.municipality_id == municipality_id, CareProgramme.active.is_(True))
            .order_by(CareProgramme.name_da)
        )
    )


def _provider_for(
    session: Session, citizen: Citizen, grant: NewForlob, programme: CareProgramme
) -> Provider:
    if lives_in_nursing_home(citizen):
        assert citizen.provider is not None  # lives_in_nursing_home saw it
        return citizen.provider
    provider = session.get(Provider, grant.provider_id) if grant.provider_id else None
    if provider is None or provider not in choosable_providers(session, citizen):
        raise ProviderNotAllowedError("not_registered")
    needs_care = any(e.fsiii_code == fsiii_elderly.PERSONAL_CARE for e in programme.elements)
    if needs_care and not provider.offers_personal_care:
        raise ProviderNotAllowedError("no_personal_care")
    return provider


def change_to_ael(
    session: Session, case: Case, staff: StaffUser, grant: NewForlob, *, today: date
) -> tuple[Decision, AelReplan]:
    """A new decision version under Ældreloven § 10 granting one forløb, with its letter.

    From Serviceloven this is the move: the coming visits' lines become the forløb's
    elements, booked and standing swaps lapse with LEGAL_BASIS_CHANGED, and the letter says
    what she had, what she has now, and from which day standing swaps end. Call
    lock_for_write first, as for ``change_decision``.
    """
    _require_open(case)
    citizen = case.citizen
    previous = citizen.current_decision
    programme = session.get(CareProgramme, grant.programme_id)
    if programme is None or programme.municipality_id != citizen.municipality_id:
        raise LookupError(grant.programme_id)
    provider = _provider_for(session, citizen, grant, programme)
    decision = Decision(
        citizen=citizen,
        version=_next_version(session, citizen.id),
        valid_from=grant.valid_from,
        decided_by_staff_id=staff.id,
        reasons=grant.reasons,
        legal_basis=LegalBasis.AEL,
        care_programme=programme,
        goals=grant.goals,
        visit_frequency_text=grant.visit_frequency_text,
        provider=provider,
        follow_up_date=grant.follow_up_date,
    )
    session.add(decision)
    decision.granted_elements = [
        GrantedElement(element=element, meaning=grant.meanings.get(element.id, "").strip())
        for element in programme.elements
    ]
    _supersede_and_close(session, case, previous, decision)
    if citizen.provider_id != provider.id:
        citizen.provider = provider
        if citizen.team is None or citizen.team.provider_id != provider.id:
            citizen.team = provider.teams[0] if provider.teams else None
    replan = replanning.apply_ael(session, decision)
    moved = previous is not None and previous.legal_basis == LegalBasis.SEL
    policy = policy_for(citizen.municipality)
    decision.letter_text = compose_ael(
        AelLetterInput(
            citizen_name=citizen.name,
            municipality_name=citizen.municipality.name,
            visitation_phone=citizen.municipality.visitation_phone,
            visitator_name=staff.name,
            decided_on=today,
            valid_from=grant.valid_from,
            version=decision.version,
            programme_name=programme.name_da,
            programme_description=programme.description_da,
            elements=[
                AelElementLine(g.element.name_da, g.meaning or g.element.description_da)
                for g in decision.granted_elements
            ],
            goals=grant.goals,
            visit_frequency=grant.visit_frequency_text,
            provider_name=provider.name,
            lives_in_nursing_home=lives_in_nursing_home(citizen),
            follow_up_date=grant.follow_up_date,
            reasons=grant.reasons,
            legal_references=policy.legal_references,
            previous=_granted_lines(previous) if moved else None,
            lapsed_swaps=replan.lapsed_at_visits,
            standing_swaps_end_on=replan.standing_swaps_end_on,
        )
    )
    _event(
        case,
        staff,
        "decision_changed",
        grant.reasons,
        decision_id=decision.id,
        version=decision.version,
        legal_basis=LegalBasis.AEL.value,
        moved_from_sel=moved,
        visits_changed=replan.changed_visits,
        swaps_lapsed=len(replan.lapsed_swaps),
    )
    session.flush()
    tell_decision(session, decision)
    return decision, replan


def tell_decision(session: Session, decision: Decision) -> None:
    """A new decision letter: the citizen and relatives who chose it hear of it (issue 14)."""
    queue_notification(
        session,
        citizen_id=decision.citizen_id,
        event=NotificationEvent.DECISION_OR_LETTER,
        params={"decision_id": decision.id},
        link="/borger/sager",
    )


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
    queue_notification(
        session,
        citizen_id=case.citizen_id,
        event=NotificationEvent.REASSESSMENT_BOOKED,
        params={"assessment_visit_id": visit.id},
        link="/borger/sager",
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


# --- A new decision version, as one unit of work (issue 16) --------------------------------


def save_decision(
    session: Session,
    case: Case,
    staff: StaffUser,
    *,
    grants: Sequence[NewGrant],
    valid_from: date,
    reasons: str,
    today: date,
) -> tuple[Decision, Replan]:
    """Under the write lock, make the new § 83 version (``change_decision``), re-plan the
    coming visits, audit it and commit: all of it or, on any error, nothing."""
    with one_transaction(session):
        lock_for_write(session)  # no swap is booked into a visit while it is re-planned
        decision, replan = change_decision(
            session, case, staff, grants=grants, valid_from=valid_from, reasons=reasons, today=today
        )
        _audit_decision(case, decision, replan.changed_visits, len(replan.lapsed_swaps))
    return decision, replan


def save_forlob_decision(
    session: Session, case: Case, staff: StaffUser, grant: NewForlob, *, today: date
) -> tuple[Decision, AelReplan]:
    """As ``save_decision``, for a forløb under Ældreloven § 10 (``change_to_ael``)."""
    with one_transaction(session):
        lock_for_write(session)
        decision, replan = change_to_ael(session, case, staff, grant, today=today)
        _audit_decision(
            case,
            decision,
            replan.changed_visits,
            len(replan.lapsed_swaps),
            legal_basis=LegalBasis.AEL.value,
        )
    return decision, replan


def _audit_decision(
    case: Case, decision: Decision, visits_changed: int, swaps_lapsed: int, **detail: object
) -> None:
    audit.record(
        "update",
        citizen=case.citizen,
        object_type="decision",
        object_id=decision.id,
        purpose="case_handling",
        detail={
            "action": "decision_changed",
            "version": decision.version,
            "visits_changed": visits_changed,
            "swaps_lapsed": swaps_lapsed,
            **detail,
        },
    )
