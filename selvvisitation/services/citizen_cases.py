"""What the citizen's "Dine sager" reads: her cases, their assessment visits, her decisions
and the swaps that lapsed when a decision changed (issue 5). Reads only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from selvvisitation.domain.assessment import AssessmentStatus
from selvvisitation.models import AssessmentVisit, Case, Decision, SwapRequest
from selvvisitation.services.replanning import lapsed_swaps


@dataclass(frozen=True)
class CitizenCases:
    cases: list[Case]  # newest first, with their events
    visits_by_case: dict[int, AssessmentVisit]  # the visit to tell her about, per case
    decisions: list[Decision]  # newest version first
    lapsed: list[SwapRequest]  # newest first


def visit_per_case(visits: list[AssessmentVisit]) -> dict[int, AssessmentVisit]:
    """The visit to tell the citizen about per case: the booked one, else the latest.
    ``visits`` in time order."""
    chosen: dict[int, AssessmentVisit] = {}
    for visit in visits:
        current = chosen.get(visit.case_id)
        if current is None or current.status != AssessmentStatus.BOOKED:
            chosen[visit.case_id] = visit
    return chosen


def citizen_cases(session: Session, citizen_id: int) -> CitizenCases:
    cases = session.scalars(
        select(Case)
        .where(Case.citizen_id == citizen_id)
        .options(selectinload(Case.events))
        .order_by(Case.opened_at.desc())
    )
    visits = session.scalars(
        select(AssessmentVisit)
        .where(AssessmentVisit.citizen_id == citizen_id)
        .order_by(AssessmentVisit.starts_at)
    )
    decisions = session.scalars(
        select(Decision).where(Decision.citizen_id == citizen_id).order_by(Decision.version.desc())
    )
    return CitizenCases(
        cases=list(cases),
        visits_by_case=visit_per_case(list(visits)),
        decisions=list(decisions),
        lapsed=lapsed_swaps(session, citizen_id),
    )
