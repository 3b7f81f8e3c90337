"""An AEL citizen's priorities: the confirmation page after sending (DOMAIN.md "Ældreloven").

The dialogue (domain/dialogue_ael.py) gathers what matters most and sends it; the citizen then
lands here, on a page of its own with the reference, what happens next and the way back to
"Min hjælp" (issue 12: a real confirmation page, for citizens and relatives alike).
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from selvvisitation.citizen.texts import Texts
from selvvisitation.citizen.views import blueprint
from selvvisitation.domain.types import PriorityNotMetReason, PriorityStatus
from selvvisitation.extensions import db
from selvvisitation.models.priorities import VisitPriority
from selvvisitation.models.programme import PriorityExample
from selvvisitation.security import audit
from selvvisitation.security.access import CITIZEN_SEE, allow, current_actor


@blueprint.app_template_filter("genitive")
def genitive(name: str) -> str:
    """A name in the genitive: "Inger Jensens", "Hans'"; in English "Inger Jensen's"."""
    name = name.strip()
    if str(get_locale()).startswith("en"):
        return name + ("'" if name.endswith("s") else "'s")
    return name + ("'" if name[-1:].lower() in ("s", "x", "z") else "s")


@blueprint.app_template_global("priority_words")
def priority_words(summary: dict[str, Any]) -> str:
    """What matters most, in the reader's language (citizen.texts.Texts.priority)."""
    return Texts({}).priority(summary)


PRIORITY_STATUS = {
    PriorityStatus.REQUESTED: _l("sent"),
    PriorityStatus.MET: _l("met"),
    PriorityStatus.NOT_MET: _l("not met"),
    PriorityStatus.WITHDRAWN: _l("withdrawn"),
    PriorityStatus.LAPSED: _l("no longer applies"),
}
NOT_MET_REASONS = {
    PriorityNotMetReason.SAFETY: _l("it was not safe"),
    PriorityNotMetReason.WORK_ENVIRONMENT: _l("the working conditions did not allow it"),
    PriorityNotMetReason.OTHER: _l("another reason"),
}


@blueprint.app_template_filter("priority_status")
def priority_status(priority: VisitPriority) -> str:
    """Where a priority stands, in plain words; not met with the worker's reason."""
    words = str(PRIORITY_STATUS.get(priority.status, ""))
    if priority.status == PriorityStatus.NOT_MET and priority.not_met_reason is not None:
        reason = priority.not_met_text or str(NOT_MET_REASONS[priority.not_met_reason])
        return gettext("not met, because %(reason)s", reason=reason)
    return words


@blueprint.app_template_global("priority_summary")
def priority_summary(priority: VisitPriority) -> dict[str, Any]:
    """A sent priority as the confirmation and "Min hjælp" show it: names in both languages."""
    element = priority.element
    example = None
    if priority.kind == "example":
        row = db.session.scalars(
            select(PriorityExample).where(
                PriorityExample.municipality_id == priority.citizen.municipality_id,
                PriorityExample.text_da == priority.text,
            )
        ).first()
        example = {"da": row.text_da, "en": row.text_en} if row else None
    return {
        "kind": priority.kind.value,
        "element": {"da": element.name_da, "en": element.name_en} if element else None,
        "example": example,
        "text": priority.text,
    }


@blueprint.route("/det-vigtigste/<priority_reference>")
@allow(CITIZEN_SEE)
def priority_receipt(priority_reference: str) -> str:
    actor = current_actor()
    citizen = actor.subject
    priority = db.session.scalars(
        select(VisitPriority).where(
            VisitPriority.reference == priority_reference,
            VisitPriority.citizen_id == citizen.id,
        )
    ).first()
    if priority is None:
        abort(404)
    if actor.relative is not None:
        audit.record("read", citizen=citizen, object_type="visit_priority", purpose="relative_view")
        db.session.commit()
    return render_template(
        "citizen/priority_receipt.html",
        citizen=citizen,
        priority=priority,
        summary=priority_summary(priority),
    )
