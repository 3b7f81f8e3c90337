"""A visitator moves a citizen from Serviceloven to Ældreloven and reads the letter (issue 11),
in a real browser with axe-core (WCAG 2.1 A/AA) on every page."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from selvvisitation.domain import fsiii_elderly as fsiii
from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import ActorKind, CaseKind, VisitServiceOutcome
from selvvisitation.extensions import db
from selvvisitation.services.cases import open_case


@pytest.fixture
def sel_citizen_with_case(factories):
    visitator = factories.StaffUser()
    municipality = visitator.municipality
    citizen = factories.Citizen(municipality=municipality, name="Inger Hansen")
    granted = factories.GrantedService(
        decision__citizen=citizen, service__name_da="Rengøring", minutes_per_delivery=60
    )
    day = local_today() + timedelta(days=7)
    visit = factories.Visit(
        citizen=citizen,
        day=day,
        starts_at=datetime.combine(day, time(9), tzinfo=UTC),
        ends_at=datetime.combine(day, time(10), tzinfo=UTC),
    )
    factories.VisitService(
        visit=visit,
        service=granted.service,
        granted_service=granted,
        planned_minutes=60,
        outcome=VisitServiceOutcome.PLANNED,
    )
    programme = factories.CareProgramme(
        municipality=municipality,
        name_da="Pleje og omsorg",
        description_da="Hjælp til personlig pleje og til hjemmet.",
    )
    factories.CareProgrammeElement(
        programme=programme, fsiii_code=fsiii.PERSONAL_CARE, name_da="Personlig pleje"
    )
    factories.CareProgrammeElement(
        programme=programme, fsiii_code=fsiii.PRACTICAL_HELP, name_da="Praktisk hjælp"
    )
    case = open_case(
        db.session,
        citizen=citizen,
        kind=CaseKind.REASSESSMENT_REQUEST,
        title="Revisitation efter ældreloven",
        actor_kind=ActorKind.SYSTEM,
    )
    db.session.commit()
    return visitator, case


def test_a_visitator_moves_a_citizen_to_ael_and_reads_the_letter(
    browser_page, sel_citizen_with_case, sign_in_staff_in_browser, assert_accessible
):
    visitator, case = sel_citizen_with_case
    page = browser_page
    sign_in_staff_in_browser(page, visitator)
    page.goto(f"/visitation/sager/{case.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sag: Inger Hansen")

    page.get_by_role("link", name="Flyt til ældreloven").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Bevilg et forløb efter ældreloven"
    )
    expect(page.locator(".app-basis-suggestion")).to_contain_text("foreslår kommunen")
    assert_accessible(page)
    page.get_by_role("button", name="Fortsæt").click()
    expect(page.locator(".alert-error")).to_contain_text("Vælg et forløb på listen")
    assert_accessible(page)
    page.get_by_label("Pleje og omsorg").check(force=True)
    page.get_by_role("button", name="Fortsæt").click()

    page.get_by_role("button", name="Tjek den nye afgørelse").click()
    expect(page.locator(".alert-error")).to_contain_text("Skriv borgerens mål med hendes egne ord")
    assert_accessible(page)
    page.get_by_label("Borgerens mål, med hendes egne ord").fill("Jeg vil selv klare køkkenet.")
    page.get_by_label("Hvad Personlig pleje betyder for borgeren").fill("Bad to gange om ugen.")
    page.get_by_label("Hvad Praktisk hjælp betyder for borgeren").fill("Rengøring hver uge.")
    page.get_by_label("Hvor ofte der kommer nogen").fill("Hver mandag formiddag")
    page.get_by_label("Dato for opfølgning").fill((local_today() + timedelta(days=90)).isoformat())
    page.get_by_label("Begrundelse for afgørelsen").fill("Du er visiteret efter ældreloven.")
    page.get_by_role("button", name="Tjek den nye afgørelse").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Tjek den nye afgørelse")
    expect(page.locator(".app-replan")).to_contain_text("1 planlagt besøg får forløbets elementer")
    assert_accessible(page)
    page.get_by_role("button", name="Bekræft og lav brevet").click()

    letter = page.locator("article.app-letter")
    expect(letter).to_contain_text("Afgørelse om hjælp i hjemmet efter ældreloven")
    expect(letter).to_contain_text("Ældreloven § 10 (helhedspleje), jf. § 9, stk. 2")
    expect(letter).to_contain_text("Du kan ikke længere bytte ydelser")
    expect(letter).to_contain_text("Sådan klager du")
    assert_accessible(page)
