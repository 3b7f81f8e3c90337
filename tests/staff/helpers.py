"""Building blocks for the staff tests: a team, a worker, a visit with granted services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import ActorKind, ServiceCategory, StaffRole, SwapStatus
from selvvisitation.extensions import db
from selvvisitation.models import SwapLine, SwapRequest, Wish


@dataclass
class Scene:
    worker: object
    citizen: object
    visit: object
    items: list
    services: dict


def visit_scene(
    factories, *, day: date | None = None, role=StaffRole.HOME_CARE_WORKER, time_frame: int = 60
) -> Scene:
    """A citizen granted vacuuming (30) and a shower (30), both planned at one visit."""
    citizen = factories.Citizen(name="Inger Jensen")
    municipality = citizen.municipality
    vacuum = factories.Service(
        municipality=municipality,
        code="PH-STOEV",
        name_da="Støvsugning",
        name_en="Vacuuming",
        category=ServiceCategory.PRACTICAL_HELP,
    )
    shower = factories.Service(
        municipality=municipality,
        code="PP-BAD",
        name_da="Bad",
        name_en="Shower",
        category=ServiceCategory.PERSONAL_CARE,
    )
    walk = factories.Service(
        municipality=municipality,
        code="FL-GAATUR",
        name_da="Gåtur",
        name_en="A walk",
        category=ServiceCategory.PERSONAL_CARE,
        swappable=False,
        flexible_only=True,
    )
    windows = factories.Service(
        municipality=municipality,
        code="PH-VINDUE",
        name_da="Vinduespudsning",
        name_en="Window cleaning",
        category=ServiceCategory.PRACTICAL_HELP,
    )
    nursing = factories.Service(
        municipality=municipality,
        code="SYG",
        name_da="Sygepleje",
        name_en="Nursing",
        category=ServiceCategory.OTHER,
        swappable=False,
    )
    decision = factories.Decision(citizen=citizen)
    granted = {
        code: factories.GrantedService(decision=decision, service=service, weekdays="0,1,2,3,4,5,6")
        for code, service in (("PH-STOEV", vacuum), ("PP-BAD", shower))
    }
    visit = factories.Visit(
        citizen=citizen, day=day or local_today(), time_frame_minutes=time_frame
    )
    items = [
        factories.VisitService(
            visit=visit, service=vacuum, planned_minutes=30, granted_service=granted["PH-STOEV"]
        ),
        factories.VisitService(
            visit=visit, service=shower, planned_minutes=30, granted_service=granted["PP-BAD"]
        ),
    ]
    worker = factories.StaffUser(
        municipality=municipality,
        role=role,
        team=citizen.team,
        provider=citizen.provider,
        name="Mette Hjemmehjælper",
    )
    # The planning system plans the visit for her (issue 12): it is on her own list.
    visit.planned_staff_id = worker.id
    db.session.commit()
    services = {
        "PH-STOEV": vacuum,
        "PP-BAD": shower,
        "FL-GAATUR": walk,
        "PH-VINDUE": windows,
        "SYG": nursing,
    }
    return Scene(worker, citizen, visit, items, services)


def wished_swap(
    citizen,
    *,
    drop,
    add,
    visit=None,
    period=None,
    minutes=30,
    status=SwapStatus.REQUESTED,
    acknowledged=True,
    reference="R-1",
    free_text=None,
) -> SwapRequest:
    """A swap the citizen asked for: drop one service, add another (or free text)."""
    swap = SwapRequest(
        reference=reference,
        citizen_id=citizen.id,
        visit_id=visit.id if visit else None,
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        status=status,
        created_by_kind=ActorKind.CITIZEN,
        acknowledged_cannot_demand_at=datetime.now(UTC) if acknowledged else None,
        acknowledged_by_kind=ActorKind.CITIZEN if acknowledged else None,
        lines=[
            SwapLine(kind="drop", service_id=drop.id, minutes=minutes),
            SwapLine(
                kind="add", service_id=add.id if add else None, free_text=free_text, minutes=minutes
            ),
        ],
    )
    db.session.add(swap)
    db.session.commit()
    return swap


def preference(citizen, text: str, *, kind: str = "clothing", visit=None) -> Wish:
    wish = Wish(
        citizen_id=citizen.id,
        visit_id=visit.id if visit else None,
        kind=kind,
        text=text,
        created_by_kind=ActorKind.CITIZEN,
    )
    db.session.add(wish)
    db.session.commit()
    return wish


def other_team_staff(factories, scene: Scene, role=StaffRole.HOME_CARE_WORKER):
    """A colleague of the same provider and municipality, in another team."""
    return factories.StaffUser(
        municipality=scene.citizen.municipality,
        role=role,
        team=factories.Team(provider=scene.citizen.provider),
    )
