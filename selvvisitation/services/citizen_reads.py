"""Read models for the citizen's pages."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from selvvisitation.domain.types import LegalBasis, PriorityStatus
from selvvisitation.models import Citizen, Visit, VisitService
from selvvisitation.models.priorities import VisitPriority


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


def recent_priorities(
    session: Session, citizen: Citizen, today: date, days: int = 14
) -> list[VisitPriority]:
    """An AEL citizen's priorities still waiting, and those answered in the last ``days``."""
    decision = citizen.current_decision
    if decision is None or decision.legal_basis != LegalBasis.AEL:
        return []
    since = today - timedelta(days=days)
    rows = session.scalars(
        select(VisitPriority)
        .where(VisitPriority.citizen_id == citizen.id)
        .options(
            selectinload(VisitPriority.visit),
            selectinload(VisitPriority.element),
            selectinload(VisitPriority.created_by_relative),
        )
        .order_by(VisitPriority.created_at.desc(), VisitPriority.id.desc())
        .limit(50)
    )
    return [
        p
        for p in rows
        if p.status == PriorityStatus.REQUESTED
        or (p.visit is not None and p.visit.day >= since)
        or (p.period_end is not None and p.period_end >= since)
    ][:10]
