"""An AEL citizen's priorities in words (DOMAIN.md "Ældreloven"), and the genitive of a name.

The dialogue (domain/dialogue_steps/priority.py) gathers what matters most and sends it; the
confirmation page it leads to is citizen/receipts.py.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from selvvisitation.citizen.texts import Texts, genitive
from selvvisitation.citizen.views import blueprint
from selvvisitation.domain.types import PriorityNotMetReason, PriorityStatus
from selvvisitation.extensions import db
from selvvisitation.models.priorities import VisitPriority
from selvvisitation.models.programme import PriorityExample

blueprint.app_template_filter("genitive")(genitive)


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
