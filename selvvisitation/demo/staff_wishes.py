"""Demo wishes for the home-care team's day: swaps asked for today, a standing swap,
preferences, and a swap the team declined, so `hjemmehjaelper` and `teamleder` see them."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from selvvisitation.domain.types import (
    ActorKind,
    DeclineReason,
    StaffRole,
    SwapStatus,
    VisitServiceOutcome,
)
from selvvisitation.models import (
    Municipality,
    Service,
    StaffUser,
    SwapLine,
    SwapRequest,
    Visit,
    Wish,
    utcnow,
)

PREFERENCES = [
    ("clothing", "Vil gerne have den blå cardigan på."),
    ("routine", "Kaffe før badet, tak."),
    ("time", "Helst efter kl. 9, hvis det kan lade sig gøre."),
]


def _swappable(visit: Visit):
    return next(
        (
            item
            for item in visit.services
            if item.service is not None and item.service.swappable and item.planned_minutes > 0
        ),
        None,
    )


def _swap(reference: str, visit: Visit, item, walk: Service, **fields) -> SwapRequest:
    now = utcnow()
    return SwapRequest(
        reference=reference,
        citizen_id=visit.citizen_id,
        created_by_kind=ActorKind.CITIZEN,
        acknowledged_cannot_demand_at=now,
        acknowledged_by_kind=ActorKind.CITIZEN,
        lines=[
            SwapLine(kind="drop", service_id=item.service_id, minutes=item.planned_minutes),
            SwapLine(kind="add", service_id=walk.id, minutes=item.planned_minutes),
        ],
        **fields,
    )


def add_team_wishes(session: Session, municipality: Municipality, today: date) -> None:
    """Wishes on today's visits of the demo home-care worker's team; the caller commits."""
    worker = session.scalars(
        select(StaffUser).where(
            StaffUser.municipality_id == municipality.id,
            StaffUser.role == StaffRole.HOME_CARE_WORKER,
        )
    ).first()
    walk = session.scalars(
        select(Service).where(
            Service.municipality_id == municipality.id, Service.code == "FL-GAATUR"
        )
    ).first()
    if worker is None or worker.team_id is None or walk is None:
        return
    team_visits = session.scalars(
        select(Visit)
        .where(Visit.team_id == worker.team_id, Visit.day.in_([today, today - timedelta(days=1)]))
        .order_by(Visit.starts_at, Visit.id)
    ).all()
    todays = [v for v in team_visits if v.day == today and not v.is_recorded]
    candidates = [(v, _swappable(v)) for v in todays]
    candidates = [(v, item) for v, item in candidates if item is not None]
    # Two swaps asked for today's visits, one standing swap for the coming week.
    for number, (visit, item) in enumerate(candidates[:2], start=1):
        session.add(_swap(f"DEMO-I-DAG-{number}", visit, item, walk, visit_id=visit.id))
    if len(candidates) > 2:
        visit, item = candidates[2]
        session.add(
            _swap(
                "DEMO-FAST-1",
                visit,
                item,
                walk,
                period_start=today,
                period_end=today + timedelta(days=7),
            )
        )
    for (kind, text), visit in zip(PREFERENCES, todays[::2], strict=False):
        session.add(
            Wish(
                citizen_id=visit.citizen_id, kind=kind, text=text, created_by_kind=ActorKind.CITIZEN
            )
        )
    # Yesterday the worker judged one swap not safe (rule 5): the team leader sees why.
    yesterday = [v for v in team_visits if v.day < today and v.is_recorded]
    for visit in yesterday:
        item = _swappable(visit)
        if item is None or item.outcome is not VisitServiceOutcome.DELIVERED:
            continue
        session.add(
            _swap(
                "DEMO-NEJ-1",
                visit,
                item,
                walk,
                visit_id=visit.id,
                status=SwapStatus.DECLINED,
                decided_at=visit.ends_at,
                decided_by_staff_id=worker.id,
                decline_reason=DeclineReason.HYGIENE,
                decline_text="Huden var rød; badet skulle gives i dag.",
            )
        )
        break
    session.flush()
