"""Read models for the citizen's pages."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from selvvisitation.models import Citizen, Visit, VisitService


def upcoming_visits(session: Session, citizen: Citizen, today: date, limit: int = 5) -> list[Visit]:
    return list(
        session.scalars(
            select(Visit)
            .where(Visit.citizen_id == citizen.id, Visit.day >= today, Visit.cancelled.is_(False))
            .options(selectinload(Visit.services).selectinload(VisitService.service))
            .order_by(Visit.starts_at)
            .limit(limit)
        )
    )
