"""What citizens have chosen instead before: the ranking behind the short list of
replacements (domain.replacement_choices, issue 12 item 3)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from selvvisitation.domain.replacement_choices import SHORT_LIST_SIZE, ChoiceHistory
from selvvisitation.domain.types import SwapStatus
from selvvisitation.models import Citizen, Service, SwapLine, SwapRequest
from selvvisitation.models.base import utcnow

# A year of swaps: recent enough to say what people choose now, and it spans the seasons.
HISTORY_WINDOW = timedelta(days=365)


def choice_history_for(
    session: Session, citizen: Citizen, now: datetime | None = None
) -> ChoiceHistory:
    """Her own earlier choices (latest first) and the municipality's most chosen, in one
    grouped query over the last year's swaps. A withdrawn swap is a choice she took back,
    so it does not count."""
    since = (now or utcnow()) - HISTORY_WINDOW
    own_latest = sa.func.max(
        sa.case((SwapRequest.citizen_id == citizen.id, SwapRequest.id), else_=None)
    )
    rows = session.execute(
        sa.select(Service.code, sa.func.count(), own_latest)
        .join(SwapLine, SwapLine.service_id == Service.id)
        .join(SwapRequest, SwapRequest.id == SwapLine.swap_id)
        .where(
            Service.municipality_id == citizen.municipality_id,
            SwapLine.kind == "add",
            SwapRequest.status != SwapStatus.WITHDRAWN,
            SwapRequest.created_at >= since,
        )
        .group_by(Service.code)
    ).all()
    own = sorted((row for row in rows if row[2] is not None), key=lambda row: -row[2])
    popular = sorted(rows, key=lambda row: (-row[1], row[0]))
    return ChoiceHistory(
        own=tuple(row[0] for row in own),
        popular=tuple(row[0] for row in popular[:SHORT_LIST_SIZE]),
    )
