"""The citizen's own cases: status, outcome and decision letters ("Dine sager").

The citizen, or a relative whose consent covers seeing, sees what the visitation
did with the case and can read every decision letter (issue 5).
"""

from __future__ import annotations

from flask import Response, abort, render_template

from selvvisitation.citizen.cases_page import CasesPage
from selvvisitation.citizen.views import blueprint
from selvvisitation.domain.letter import blocks
from selvvisitation.extensions import db
from selvvisitation.letter_pdf import pdf_response
from selvvisitation.models import Decision
from selvvisitation.security import audit
from selvvisitation.security.access import CITIZEN_SEE, allow, current_actor
from selvvisitation.services.citizen_cases import citizen_cases


def _audit_relative(citizen, object_type: str, object_id: object = "") -> None:
    """A relative's look is on the citizen's "Hvem har kigget" (issue 15). The pages are
    GETs: the entry is written after the page is rendered (security.audit.install)."""
    if current_actor().relative is not None:
        audit.record(
            "read",
            citizen=citizen,
            object_type=object_type,
            object_id=object_id,
            purpose="relative_view",
        )


@blueprint.route("/sager")
@allow(CITIZEN_SEE)
def cases() -> str:
    actor = current_actor()
    data = citizen_cases(db.session(), actor.subject.id)
    _audit_relative(actor.subject, "cases")
    page = CasesPage(actor.subject, data, as_relative=actor.relative is not None)
    return render_template("citizen/cases.html", citizen=actor.subject, page=page)


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
