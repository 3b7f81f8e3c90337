"""A citizen of Team Nord with coming visits of each kind, at a fixed moment (issue 14).

The clock is frozen on Monday 2 March 2026 at 09:00 Danish time (08:00 UTC); the visits
fall on the following days, so every deadline is counted from a known moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from selvvisitation.domain.types import ServiceCategory, StaffRole

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday 09:00 in Copenhagen (CET)
TODAY = date(2026, 3, 2)


@dataclass
class VisitScene:
    citizen: object
    worker: object
    leader: object
    practical: object  # Tuesday 3 March 10:00-11:00 Danish time: vacuuming
    personal: object  # Wednesday 4 March 08:00-08:30: a bath
    meals: object  # Thursday 5 March 12:00-12:15: lunch brought
    services: dict


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Danish wall-clock time in March 2026 (CET, UTC+1) as UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=1)


def visit_scene(factories, *, planned_worker: bool = True) -> VisitScene:
    team = factories.Team(name="Team Nord")
    municipality = team.provider.municipality
    citizen = factories.Citizen(name="Inger Jensen", municipality=municipality, team=team)
    worker = factories.StaffUser(
        municipality=municipality,
        name="Mette Hansen",
        role=StaffRole.HOME_CARE_WORKER,
        team=team,
        provider=team.provider,
    )
    leader = factories.StaffUser(
        municipality=municipality,
        name="Lone Berg",
        role=StaffRole.TEAM_LEADER,
        team=team,
        provider=team.provider,
    )
    services = {
        "vacuum": factories.Service(
            municipality=municipality,
            code="PH-STOEV",
            name_da="Støvsugning",
            name_en="Vacuuming",
            category=ServiceCategory.PRACTICAL_HELP,
        ),
        "bath": factories.Service(
            municipality=municipality,
            code="PP-BAD",
            name_da="Bad",
            name_en="Shower",
            category=ServiceCategory.PERSONAL_CARE,
        ),
        "lunch": factories.Service(
            municipality=municipality,
            code="MAD-FROKOST",
            name_da="Frokost",
            name_en="Lunch",
            category=ServiceCategory.MEALS,
        ),
    }
    decision = factories.Decision(citizen=citizen, valid_from=TODAY - timedelta(days=60))
    grants = {
        key: factories.GrantedService(
            decision=decision, service=service, start_date=TODAY - timedelta(days=60)
        )
        for key, service in services.items()
    }

    def visit(key: str, day: date, hour: int, minutes: int):
        starts = at(day, hour)
        made = factories.Visit(
            citizen=citizen,
            team=team,
            day=day,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=minutes),
            time_frame_minutes=minutes,
            planned_staff=worker if planned_worker else None,
        )
        factories.VisitService(
            visit=made,
            service=services[key],
            granted_service=grants[key],
            planned_minutes=minutes,
        )
        return made

    return VisitScene(
        citizen=citizen,
        worker=worker,
        leader=leader,
        practical=visit("vacuum", TODAY + timedelta(days=1), 10, 60),
        personal=visit("bath", TODAY + timedelta(days=2), 8, 30),
        meals=visit("lunch", TODAY + timedelta(days=3), 12, 15),
        services=services,
    )
