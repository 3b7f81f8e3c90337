"""The case page: everything a visitator needs to decide, read under audit."""

from __future__ import annotations

from flask import render_template, request

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.security import audit
from selvvisitation.security.access import allow
from selvvisitation.services.case_reads import TRANSCRIPT_MOST, TRANSCRIPT_SHOWN
from selvvisitation.services.conversation_store import messages_to_show
from selvvisitation.visitation.access import case_or_404
from selvvisitation.visitation.case_file import CaseFile
from selvvisitation.visitation.views import blueprint


def _transcript_shown() -> int:
    """How many of the shared conversation's latest messages to show: ?samtale=, clamped
    (not a number: the default), as the citizen's own page reads ?vis=."""
    return messages_to_show(
        request.args.get("samtale", type=int), TRANSCRIPT_SHOWN, TRANSCRIPT_MOST
    )


@blueprint.route("/sager/<int:case_id>")
@allow(StaffRole.VISITATOR)
def case_page(case_id: int) -> str:
    case_file = CaseFile(
        db.session(), case_or_404(case_id), local_today(), transcript_shown=_transcript_shown()
    )
    # Written after the page is rendered, in the request's own transaction (security.audit).
    audit.record(
        "read",
        citizen=case_file.citizen,
        object_type="case",
        object_id=case_id,
        purpose="case_handling",
    )
    return render_template("visitation/case.html", **case_file.template_context())
