"""The confirmation page of something the citizen (or a relative) sent (issue 12 item 1).

GOV.UK's confirmation page: a green panel with the reference in the <h1>, what happens next,
a print button and the way back to "Min hjælp". One page for every path of the dialogue: a
swap (BYT-), a wish (ONS-), a reassessment request (REV-), a priority (PRI-), a request to be
called (OPK-, issue 13), found by its
reference; and a changed consent, which has no reference, by the consent.
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template
from sqlalchemy import select

from selvvisitation.citizen.priorities import priority_summary
from selvvisitation.citizen.views import blueprint
from selvvisitation.extensions import db
from selvvisitation.models import CallBackRequest, Consent, ReassessmentRequest, SwapRequest, Wish
from selvvisitation.models.priorities import VisitPriority
from selvvisitation.security import audit
from selvvisitation.security.access import CITIZEN_SEE, CITIZEN_SELF, allow, current_actor

# What a reference may name, and the page's kind for each. The tables are searched in turn:
# a reference is unique in its own table, and only the citizen's own rows are looked at.
KINDS: tuple[tuple[str, Any], ...] = (
    ("swap", SwapRequest),
    ("wish", Wish),
    ("reassessment", ReassessmentRequest),
    ("priority", VisitPriority),
    ("call_back", CallBackRequest),
)


def _sent(citizen_id: int, reference: str) -> tuple[str, Any] | None:
    for kind, model in KINDS:
        item = db.session.scalars(
            select(model).where(model.reference == reference, model.citizen_id == citizen_id)
        ).first()
        if item is not None:
            return kind, item
    return None


@blueprint.route("/kvittering/<reference>")
@allow(CITIZEN_SEE)
def receipt(reference: str) -> str:
    """The confirmation of what was sent, by its reference: only the citizen's own."""
    actor = current_actor()
    citizen = actor.subject
    found = _sent(citizen.id, reference)
    if found is None:
        abort(404)
    kind, item = found
    if actor.relative is not None:
        audit.record(
            "read", citizen=citizen, object_type=type(item).__tablename__, purpose="relative_view"
        )
    return render_template(
        "citizen/receipt.html",
        citizen=citizen,
        kind=kind,
        item=item,
        reference=reference,
        summary=priority_summary(item) if kind == "priority" else None,
    )


@blueprint.route("/kvittering/samtykke/<int:consent_id>")
@allow(CITIZEN_SELF)
def consent_receipt(consent_id: int) -> str:
    """The confirmation of a consent given or withdrawn: only the citizen changes consent."""
    actor = current_actor()
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.citizen_id != actor.subject.id:
        abort(404)
    return render_template(
        "citizen/receipt.html",
        citizen=actor.subject,
        kind="consent",
        item=consent,
        reference=None,
        summary=None,
    )
