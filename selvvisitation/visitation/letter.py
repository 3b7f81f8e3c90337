"""The decision letter, readable on screen and printable."""

from __future__ import annotations

from flask import Response, render_template

from selvvisitation.domain.letter import blocks
from selvvisitation.domain.types import StaffRole
from selvvisitation.letter_pdf import pdf_response
from selvvisitation.security import audit
from selvvisitation.security.access import allow
from selvvisitation.visitation.access import decision_or_404
from selvvisitation.visitation.views import blueprint


@blueprint.route("/afgoerelser/<int:decision_id>/brev")
@allow(StaffRole.VISITATOR)
def letter(decision_id: int) -> str:
    decision = decision_or_404(decision_id)
    audit.record(
        "read",
        citizen=decision.citizen,
        object_type="decision_letter",
        object_id=decision.id,
        purpose="case_handling",
    )
    return render_template(
        "visitation/letter.html", decision=decision, blocks=blocks(decision.letter_text)
    )


@blueprint.route("/afgoerelser/<int:decision_id>/brev.pdf")
@allow(StaffRole.VISITATOR)
def letter_as_pdf(decision_id: int) -> Response:
    decision = decision_or_404(decision_id)
    audit.record(
        "read",
        citizen=decision.citizen,
        object_type="decision_letter_pdf",
        object_id=decision.id,
        purpose="case_handling",
    )
    return pdf_response(decision)
