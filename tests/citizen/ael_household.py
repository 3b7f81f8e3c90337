"""A citizen under Ældreloven with a forløb, coming visits and the municipality's examples."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.fsiii_elderly import ELDERLY_CODES
from selvvisitation.extensions import db
from selvvisitation.models import Citizen, Visit
from selvvisitation.models.programme import CareProgrammeElement, PriorityExample

CODES = {c.name_da: c.code for c in ELDERLY_CODES}


@dataclass
class AelHousehold:
    citizen: Citizen
    care: CareProgrammeElement
    practical: CareProgrammeElement
    visit: Visit  # tomorrow: personal care and practical help
    later: Visit  # in three days: personal care only
    past_visit: Visit


def build_ael_household(factories, *, today: date | None = None) -> AelHousehold:
    today = today or local_today()
    citizen = factories.Citizen(name="Inger Jensen")
    municipality = citizen.municipality
    programme = factories.CareProgramme(
        municipality=municipality,
        name_da="Hjælp i hverdagen",
        name_en="Help in everyday life",
        description_da="Et forløb med personlig pleje og praktisk hjælp.",
        description_en="A plan with personal care and practical help.",
    )
    care = factories.CareProgrammeElement(
        programme=programme,
        fsiii_code=CODES["Personlig hjælp og pleje"],
        name_da="Personlig hjælp og pleje",
        name_en="Personal help and care",
    )
    practical = factories.CareProgrammeElement(
        programme=programme,
        fsiii_code=CODES["Praktisk hjælp i hjemmet"],
        name_da="Praktisk hjælp i hjemmet",
        name_en="Practical help in the home",
    )
    decision = factories.AelDecision(
        citizen=citizen,
        care_programme=programme,
        goals="Jeg vil selv kunne lave min morgenmad.",
        visit_frequency_text="Hver morgen, og rengøring hver anden uge",
    )
    factories.GrantedElement(decision=decision, element=care, meaning="Hjælp til bad og tøj på")
    factories.GrantedElement(decision=decision, element=practical, meaning="Rengøring af køkken")
    for position, (da, en) in enumerate(
        (("Flyt baddagen", "Move the bath day"), ("En gåtur", "A walk"))
    ):
        # Not factories.PriorityExample: its factory passes a `municipality` the model lacks.
        db.session.add(
            PriorityExample(
                municipality_id=municipality.id, text_da=da, text_en=en, position=position
            )
        )

    def visit_on(day: date, elements) -> Visit:
        visit = factories.Visit(
            citizen=citizen,
            day=day,
            starts_at=datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC),
            ends_at=datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC),
            time_frame_minutes=0,
        )
        for element in elements:
            factories.VisitElement(visit=visit, element=element)
        return visit

    visit = visit_on(today + timedelta(days=1), (care, practical))
    later = visit_on(today + timedelta(days=3), (care,))
    past = visit_on(today - timedelta(days=2), (care, practical))
    return AelHousehold(citizen, care, practical, visit, later, past)


def visit_today_with_priorities(factories, household: AelHousehold):
    """A visit today with both elements planned, her own words and "personal care first",
    and a home-care worker of her team: (visit, care line, practical line, walk, first, worker).
    """
    from selvvisitation.domain.types import PriorityKind, StaffRole

    today = local_today()
    visit = factories.Visit(
        citizen=household.citizen,
        day=today,
        starts_at=datetime(today.year, today.month, today.day, 7, 0, tzinfo=UTC),
        ends_at=datetime(today.year, today.month, today.day, 8, 0, tzinfo=UTC),
    )
    care = factories.VisitElement(visit=visit, element=household.care)
    practical = factories.VisitElement(visit=visit, element=household.practical)
    walk = factories.VisitPriority(
        citizen=household.citizen, visit=visit, kind=PriorityKind.OWN_WORDS, text="En gåtur i haven"
    )
    first = factories.VisitPriority(
        citizen=household.citizen,
        visit=visit,
        kind=PriorityKind.FIRST,
        element=household.care,
        text="",
    )
    worker = factories.StaffUser(
        municipality=household.citizen.municipality,
        role=StaffRole.HOME_CARE_WORKER,
        team=household.citizen.team,
        provider=household.citizen.provider,
    )
    visit.planned_staff = worker  # on her own list (issue 12)
    db.session.commit()
    return visit, care, practical, walk, first, worker
