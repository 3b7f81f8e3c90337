"""A citizen with a decision, coming visits and a catalogue, for the dialogue tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import Frequency, ServiceCategory
from selvvisitation.models import Citizen, Service, Visit


@dataclass
class Household:
    citizen: Citizen
    vacuum: Service
    bath: Service
    walk: Service
    nursing: Service
    visit: Visit  # tomorrow: bath 30 + vacuuming 20 minutes
    past_visit: Visit


def build_household(factories, *, today: date | None = None) -> Household:
    today = today or local_today()
    citizen = factories.Citizen(name="Inger Jensen")
    municipality = citizen.municipality
    vacuum = factories.Service(
        municipality=municipality,
        code="PR-STOEVSUG",
        name_da="Støvsugning",
        name_en="Vacuuming",
        category=ServiceCategory.PRACTICAL_HELP,
        default_minutes=20,
        synonyms_da=["støvsuge", "støvsuget"],
        synonyms_en=["hoovering"],
    )
    bath = factories.Service(
        municipality=municipality,
        code="PP-BAD",
        name_da="Bad",
        name_en="Shower or wash",
        category=ServiceCategory.PERSONAL_CARE,
        default_minutes=30,
        synonyms_da=["brusebad"],
        synonyms_en=["shower"],
    )
    walk = factories.Service(
        municipality=municipality,
        code="FL-GAATUR",
        name_da="Gåtur",
        name_en="A walk",
        category=ServiceCategory.PERSONAL_CARE,
        default_minutes=20,
        flexible_only=True,
        synonyms_da=["gå en tur", "gåtur"],
        synonyms_en=["go for a walk"],
    )
    nursing = factories.Service(
        municipality=municipality,
        code="SY-SYGEPLEJE",
        name_da="Sygepleje",
        name_en="Home nursing",
        category=ServiceCategory.OTHER,
        swappable=False,
        default_minutes=15,
    )
    decision = factories.Decision(citizen=citizen)
    start = today - timedelta(days=60)
    grants = {
        code: factories.GrantedService(
            decision=decision,
            service=service,
            minutes_per_delivery=minutes,
            frequency=Frequency.DAILY,
            weekdays="",
            start_date=start,
        )
        for code, service, minutes in (
            ("vac", vacuum, 20),
            ("bath", bath, 30),
            ("nurse", nursing, 15),
        )
    }

    def visit_on(day: date) -> Visit:
        visit = factories.Visit(
            citizen=citizen,
            day=day,
            starts_at=datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC),
            ends_at=datetime(day.year, day.month, day.day, 9, 5, tzinfo=UTC),
            time_frame_minutes=65,
        )
        for key in ("bath", "vac", "nurse"):
            grant = grants[key]
            factories.VisitService(
                visit=visit,
                service=grant.service,
                granted_service=grant,
                planned_minutes=grant.minutes_per_delivery,
            )
        return visit

    visit = visit_on(today + timedelta(days=1))
    past = visit_on(today - timedelta(days=2))
    return Household(citizen, vacuum, bath, walk, nursing, visit, past)


@pytest.fixture
def household(factories) -> Household:
    return build_household(factories)
