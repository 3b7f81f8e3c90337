"""The visitator's journeys in a real browser (issue 5), with axe-core on every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import ActorKind, CaseKind, FlagRule
from selvvisitation.extensions import db
from selvvisitation.models import Flag
from selvvisitation.services.cases import open_case


@pytest.fixture
def flagged_case(factories):
    visitator = factories.StaffUser()
    citizen = factories.Citizen(municipality=visitator.municipality, name="Karen Jensen")
    granted = factories.GrantedService(
        decision__citizen=citizen, service__name_da="Rengøring", minutes_per_delivery=30
    )
    visit = factories.Visit(citizen=citizen, day=local_today() - timedelta(days=3))
    factories.VisitService(
        visit=visit,
        service=granted.service,
        granted_service_id=granted.id,
        planned_minutes=30,
        delivered_minutes=45,
    )
    case = open_case(
        db.session,
        citizen=citizen,
        kind=CaseKind.FLAG,
        title="Gentagne fravalg",
        actor_kind=ActorKind.SYSTEM,
    )
    db.session.add(
        Flag(
            citizen=citizen,
            case=case,
            rule=FlagRule.REPEATED_DESELECTION,
            key="repeated_deselection:x",
            service=granted.service,
            period_start=local_today() - timedelta(days=20),
            period_end=local_today(),
            evidence={
                "count": 3,
                "visit_refs": [str(visit.id)],
                "threshold_count": 3,
                "threshold_days": 90,
                "window_start": "2026-01-01",
                "window_end": "2026-03-31",
            },
        )
    )
    db.session.commit()
    return visitator, case


def test_queue_to_case_to_dismiss_with_a_reason(
    browser_page, flagged_case, sign_in_staff_in_browser, assert_accessible
):
    visitator, _case = flagged_case
    page = browser_page
    sign_in_staff_in_browser(page, visitator)
    page.goto("/visitation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Åbne sager")
    assert_accessible(page)

    page.get_by_role("link", name="Karen Jensen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sag: Karen Jensen")
    assert_accessible(page)

    page.get_by_role("link", name="Afslut sagen uden ændring").click()
    page.get_by_role("button", name="Luk sagen uden ændring").click()
    expect(page.locator(".alert-error")).to_contain_text("Skriv, hvorfor sagen afsluttes")
    assert_accessible(page)
    page.get_by_label("Hvorfor skal afgørelsen ikke ændres?").fill("Borgeren var på ferie")
    page.get_by_label("Det, borgeren får at vide").fill("Vi har set på din hjælp. Den passer.")
    page.get_by_label("Jeg forstår, at sagen lukkes").check()
    page.get_by_role("button", name="Luk sagen uden ændring").click()

    expect(page.locator(".app-flash")).to_contain_text("Sagen er lukket uden ændring.")
    expect(page.locator("dl.app-summary").first).to_contain_text("Borgeren var på ferie")


def test_queue_to_case_to_change_decision_to_letter(
    browser_page, flagged_case, factories, sign_in_staff_in_browser, assert_accessible
):
    visitator, case = flagged_case
    granted = case.citizen.current_decision.granted_services[0]
    next_monday = local_today() + timedelta(days=7 - local_today().weekday())
    coming = factories.Visit(citizen=case.citizen, day=next_monday, time_of_day="day")
    factories.VisitService(
        visit=coming, service=granted.service, granted_service=granted, planned_minutes=30
    )
    page = browser_page
    sign_in_staff_in_browser(page, visitator)
    page.goto("/visitation/")
    page.get_by_role("link", name="Karen Jensen").click()
    page.get_by_role("link", name="Ændr afgørelsen").click()
    assert_accessible(page)

    page.locator("#grants-0-minutes").fill("45")
    page.locator("#grants-0-weekdays-3").check()
    page.get_by_label("Begrundelse for afgørelsen").fill("Du har brug for mere tid til rengøring.")
    page.get_by_role("button", name="Tjek den nye afgørelse").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tjek den nye afgørelse")
    assert_accessible(page)
    # The coming Monday gets 45 minutes, and a Thursday visit is new if it falls before it.
    expect(page.locator(".app-replan")).to_contain_text(
        "1 planlagt besøg får andre ydelser eller minutter."
    )
    page.get_by_role("button", name="Bekræft og lav brevet").click()

    letter = page.locator("article.app-letter")
    expect(letter).to_contain_text("Rengøring: 45 minutter hver uge (mandag, torsdag).")
    expect(letter).to_contain_text("Ankestyrelsen")
    assert_accessible(page)


def test_case_to_book_visit_to_herning_forms(
    browser_page, flagged_case, sign_in_staff_in_browser, assert_accessible
):
    visitator, case = flagged_case
    page = browser_page
    sign_in_staff_in_browser(page, visitator)
    page.goto(f"/visitation/sager/{case.id}")
    page.get_by_role("link", name="Book et revisitationsbesøg").click()
    page.get_by_label("Dato for besøget").fill((local_today() + timedelta(days=2)).isoformat())
    page.get_by_label("Tidspunkt").fill("10:30")
    assert_accessible(page)
    page.get_by_role("button", name="Book besøget").click()
    expect(page.locator(".app-flash")).to_contain_text("Revisitationsbesøget er booket.")

    page.get_by_role("link", name="Udfyld opfølgningsskemaerne").click()
    page.get_by_role("button", name="Gem begge skemaer").click()
    expect(page.locator(".alert-error")).to_contain_text("Vælg, hvor tilfreds borgeren er")
    assert_accessible(page)
    for label in ("Tilfreds",):
        page.get_by_label(label, exact=True).check()
    for name in (
        "help_as_granted",
        "heard_and_involved",
        "matches_decision",
        "goals_met",
        "meets_service_level",
    ):
        page.locator(f"input[name={name}][value=yes]").check()
    page.get_by_role("button", name="Gem begge skemaer").click()
    expect(page.locator(".app-flash")).to_contain_text("Begge skemaer er gemt.")
    expect(page.locator("main")).to_contain_text("Tilfredshed: Tilfreds")


def test_case_to_move_and_cancel_the_booked_visit(
    browser_page,
    flagged_case,
    sign_in_staff_in_browser,
    sign_in_citizen_in_browser,
    assert_accessible,
):
    visitator, case = flagged_case
    page = browser_page
    sign_in_staff_in_browser(page, visitator)
    page.goto(f"/visitation/sager/{case.id}/besoeg")
    page.get_by_label("Dato for besøget").fill((local_today() + timedelta(days=2)).isoformat())
    page.get_by_label("Tidspunkt").fill("10:30")
    page.get_by_role("button", name="Book besøget").click()

    page.get_by_role("link", name="Flyt besøget").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Flyt revisitationsbesøget")
    assert_accessible(page)
    page.get_by_label("Tidspunkt").fill("14:00")
    page.get_by_role("button", name="Flyt besøget").click()
    expect(page.locator(".alert-error")).to_contain_text("Skriv, hvorfor besøget flyttes")
    assert_accessible(page)
    page.get_by_label("Hvorfor flyttes besøget?").fill("Borgeren skal til lægen")
    page.get_by_role("button", name="Flyt besøget").click()
    expect(page.locator(".app-flash")).to_contain_text("Revisitationsbesøget er flyttet.")
    expect(page.locator("main")).to_contain_text("Revisitationsbesøg flyttet")

    page.get_by_role("link", name="Aflys besøget").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aflys revisitationsbesøget")
    assert_accessible(page)
    page.get_by_label("Hvorfor aflyses besøget?").fill("Borgeren er indlagt")
    page.get_by_role("button", name="Aflys besøget").click()
    expect(page.locator(".alert-error")).to_contain_text("Bekræft, at besøget skal aflyses")
    assert_accessible(page)
    page.get_by_label("Jeg forstår, at besøget aflyses").check()
    page.get_by_role("button", name="Aflys besøget").click()
    expect(page.locator(".app-flash")).to_contain_text("Revisitationsbesøget er aflyst.")

    sign_in_citizen_in_browser(page, case.citizen)
    page.get_by_role("link", name="Dine sager").click()
    expect(page.locator(".app-citizen-cases")).to_contain_text("kl. 14:00 er aflyst")
    assert_accessible(page)


def test_citizen_sees_the_booked_visit_in_your_cases(
    browser_page, flagged_case, sign_in_citizen_in_browser, assert_accessible
):
    _visitator, case = flagged_case
    page = browser_page
    sign_in_citizen_in_browser(page, case.citizen)
    page.get_by_role("link", name="Dine sager").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dine sager")
    expect(page.locator(".app-citizen-cases")).to_contain_text("Visitationen ser på din sag.")
    assert_accessible(page)
