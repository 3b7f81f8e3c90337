"""What a citizen asked for visits: for one visit, or standing over a period of days.

Swaps (SwapRequest) and an AEL citizen's priorities (VisitPriority) are both asked either
for one visit or for every visit in a period; the lists that show them with visits read
both kinds at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, or_

from selvvisitation.id_lists import in_id_list


def at_visits_or_standing(model: Any, *standing_also: ColumnElement[bool]) -> ColumnElement[bool]:
    """The model's rows for the bound visits (``visit_ids``), or standing for the bound
    citizens (``citizen_ids``) over a period that meets ``first``–``last``."""
    return or_(
        in_id_list(model.visit_id, "visit_ids"),
        and_(
            model.visit_id.is_(None),
            in_id_list(model.citizen_id, "citizen_ids"),
            *standing_also,
            model.period_start <= bindparam("last"),
            model.period_end >= bindparam("first"),
        ),
    )
