"""The citizen's own cases: status, outcome and decision letters ("Dine sager").

The citizen, or a relative whose consent covers seeing, sees what the visitation
did with the case and can read every decision letter (issue 5).
"""

from __future__ import annotations

from flask import Response, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from selvvisitation.citizen.views import blueprint
from selvvisitation.domain.assessment import AssessmentStatus
from selvvisitation.domain.letter import blocks
from selvvisitation.extensions import db
from selvvisitation.letter_pdf import pdf_response
from selvvisitation.models import AssessmentVisit, Case, Decision
from selvvisitation.security import audit
from selvvisitation.security.access import CITIZEN_SEE, allow, current_actor
from selvvisitation.services.replanning import lapsed_swaps


def _audit_relative(citizen, object_type: str, object_id: object = "") -> None:
    if current_actor().relative is not None:
        audit.record(
            "read",
            citizen=citizen,
            object_type=object_type,
            object_id=object_id,
            purpose="relative_view",
        )
        db.session.commit()


def _visit_per_case(visits: list[AssessmentVisit]) -> dict[int, AssessmentVisit]:
    """The visit to tell the citizen about per case: the booked one, else the latest."""
    chosen: dict[int, AssessmentVisit] = {}
    for visit in visits:  # in time order
        current = chosen.get(visit.case_id)
        if current is None or current.status != AssessmentStatus.BOOKED:
            chosen[visit.case_id] = visit
    return chosen


@blueprint.route("/sager")
@allow(CITIZEN_SEE)
def cases() -> str:
    citizen = current_actor().subject
    rows = list(
        db.session.scalars(
            select(Case)
            .where(Case.citizen_id == citizen.id)
            .options(selectinload(Case.events))
            .order_by(Case.opened_at.desc())
        )
    )
    visits = list(
        db.session.scalars(
            select(AssessmentVisit)
            .where(AssessmentVisit.citizen_id == citizen.id)
            .order_by(AssessmentVisit.starts_at)
        )
    )
    decisions = list(
        db.session.scalars(
            select(Decision)
            .where(Decision.citizen_id == citizen.id)
            .order_by(Decision.version.desc())
        )
    )
    _audit_relative(citizen, "cases")
    return render_template(
        "citizen/cases.html",
        citizen=citizen,
        cases=rows,
        visits_by_case=_visit_per_case(visits),
        decisions=decisions,
        lapsed=lapsed_swaps(db.session, citizen.id),
    )


def _own_decision_or_404(decision_id: int) -> Decision:
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.citizen_id != current_actor().subject.id:
        abort(404)
    return decision


@blueprint.route("/afgoerelser/<int:decision_id>")
@allow(CITIZEN_SEE)
def decision_letter(decision_id: int) -> str:
    citizen = current_actor().subject
    decision = _own_decision_or_404(decision_id)
    _audit_relative(citizen, "decision_letter", decision.id)
    return render_template(
        "citizen/letter.html",
        citizen=citizen,
        decision=decision,
        blocks=blocks(decision.letter_text),
    )


@blueprint.route("/afgoerelser/<int:decision_id>/pdf")
@allow(CITIZEN_SEE)
def decision_letter_pdf(decision_id: int) -> Response:
    citizen = current_actor().subject
    decision = _own_decision_or_404(decision_id)
    _audit_relative(citizen, "decision_letter_pdf", decision.id)
    return pdf_response(decision)
