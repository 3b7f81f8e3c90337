"""The home-care worker's and team leader's journeys in a real browser, phone-sized first,
with no WCAG 2.1 A/AA violation (axe-core) on any page they pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import DeclineReason, StaffRole, SwapStatus
from selvvisitation.extensions import db
from tests.staff.helpers import preference, visit_scene, wished_swap


def test_a_worker_records_a_visit_with_an_accepted_swap_on_a_phone(
    phone_page, factories, assert_accessible, sign_in_staff_in_browser, screenshot
):
    """Rule 5 (002 §8): the worker accepts the citizen's wished swap in the home."""
    scene = visit_scene(factories)
    wished_swap(
        scene.citizen,
        drop=scene.services["PH-STOEV"],
        add=scene.services["FL-GAATUR"],
        visit=scene.visit,
    )
    preference(scene.citizen, "Kaffe før badet")
    page = phone_page
    sign_in_staff_in_browser(page, scene.worker)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine besøg i dag")
    expect(page.locator(".app-wishes")).to_contain_text("Fravælger: Støvsugning")
    expect(page.locator(".app-wishes")).to_contain_text("Kaffe før badet")
    assert_accessible(page)
    screenshot(page, "staff-day-phone")

    page.get_by_role("link", name="Registrér besøget").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Besøg hos Inger Jensen")
    assert_accessible(page)
    page.get_by_role("group", name="Støvsugning").get_by_label(
        "Fravalgt af borgeren (bytte)"
    ).check(force=True)
    page.get_by_role("group", name="Bad").get_by_label("Leveret som planlagt").check(force=True)
    page.get_by_role("group", name="Blev byttet gjort?").get_by_label(
        "Ja, byttet blev gjort"
    ).check(force=True)
    line = page.get_by_role("group", name="Hjælp gjort i stedet, linje 1")
    line.get_by_label("Ydelse gjort i stedet").select_option("FL-GAATUR")
    line.get_by_label("Minutter").fill("45")
    page.get_by_role("button", name="Gem registreringen").click()

    # The rules engine explains the problem before anything is saved (rule 4).
    expect(page).to_have_title(
        f"Fejl: Besøg hos Inger Jensen – Fleksibel hjemmehjælp – {scene.citizen.municipality.name}"
    )
    expect(page.locator(".alert-error")).to_contain_text("men der er kun 30 minutter")
    assert_accessible(page)
    page.get_by_role("group", name="Hjælp gjort i stedet, linje 1").get_by_label("Minutter").fill(
        "30"
    )
    page.get_by_role("button", name="Gem registreringen").click()

    expect(page.locator(".app-flash")).to_contain_text("Besøget er registreret.")
    expect(page.locator(".app-record-list")).to_contain_text("Gåtur: gjort i stedet (30 minutter)")
    expect(page.locator(".app-wishes")).to_contain_text("Sagt ja")
    assert_accessible(page)
    screenshot(page, "staff-recorded-phone")


def test_a_worker_reports_an_accident_and_is_told_to_phone_now(
    phone_page, factories, assert_accessible, sign_in_staff_in_browser
):
    """Seed 000: accidents are phoned in at once; the report is recorded as well."""
    scene = visit_scene(factories)
    page = phone_page
    sign_in_staff_in_browser(page, scene.worker)
    page.goto(f"/personale/besoeg/{scene.visit.id}/meld-aendring")
    expect(page.locator(".app-urgent")).to_contain_text("70 10 20 30")
    assert_accessible(page)
    page.get_by_label("Borgeren har brug for mere hjælp").check(force=True)
    page.get_by_label("En ulykke").check(force=True)
    page.get_by_label("Hvad har ændret sig?").fill("Faldet på badeværelset")
    page.get_by_role("button", name="Send meldingen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meldingen er sendt")
    expect(page.locator(".app-urgent")).to_contain_text("Ring til visitationen nu")
    assert_accessible(page)


def test_a_team_leader_sees_a_declined_swap_with_its_reason(
    browser_page, factories, assert_accessible, sign_in_staff_in_browser
):
    scene = visit_scene(
        factories, day=local_today() - timedelta(days=1), role=StaffRole.TEAM_LEADER
    )
    swap = wished_swap(
        scene.citizen,
        drop=scene.services["PP-BAD"],
        add=scene.services["PH-VINDUE"],
        visit=scene.visit,
        status=SwapStatus.DECLINED,
    )
    swap.decline_reason = DeclineReason.HYGIENE
    swap.decided_by_staff_id = scene.worker.id
    swap.decided_at = datetime.now(UTC)
    db.session.commit()
    page = browser_page
    sign_in_staff_in_browser(page, scene.worker)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Afviste bytter"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bytter, teamet har sagt nej til")
    expect(page.locator(".app-declined")).to_contain_text("Inger Jensen")
    expect(page.locator(".app-declined")).to_contain_text("ikke forsvarligt: hygiejne")
    assert_accessible(page)
    page.goto("/personale/uge")
    assert_accessible(page)


def test_a_worker_records_her_round_from_her_own_list_in_few_taps_on_a_phone(
    phone_page, factories, assert_accessible, sign_in_staff_in_browser, screenshot
):
    """Issue 12, the home-care worker 1-3: from "Mine besøg i dag" an ordinary visit is
    recorded in at most 3 taps ("Som planlagt"), and a visit whose wished swap was answered
    yes from the list in at most 5 (the record prefilled from the wish). Rule 5 (002 §8)."""
    import re

    scene = visit_scene(factories)  # 09:00, ordinary, planned for her
    scene.citizen.address = "Vestergade 3, 8000 Aarhus C"
    scene.citizen.phone = "86 12 34 56"
    day = scene.visit.day
    later = factories.Visit(
        citizen=scene.citizen,
        day=day,
        starts_at=datetime(day.year, day.month, day.day, 13, 0, tzinfo=UTC),
        planned_staff_id=scene.worker.id,
    )
    for item in scene.items:
        factories.VisitService(visit=later, service=item.service, planned_minutes=30)
    db.session.commit()
    wished_swap(
        scene.citizen,
        drop=scene.services["PH-STOEV"],
        add=scene.services["FL-GAATUR"],
        visit=later,
    )
    page = phone_page
    taps = {"ordinary": 0, "answer": 0, "swap": 0}

    def tap(journey: str, target) -> None:
        taps[journey] += 1
        target.click()

    sign_in_staff_in_browser(page, scene.worker)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine besøg i dag")
    expect(page.locator(".app-visit")).to_have_count(2)
    # Targets a gloved thumb hits: the phone link and the answer buttons, at least 44 px.
    for target in [
        page.locator(".app-visit-phone").first,
        *page.locator(".app-swap-answer .button").all(),
    ]:
        box = target.bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 44, box
    assert_accessible(page)
    screenshot(page, "staff-my-visits-phone")

    # An ordinary visit: open it, "Som planlagt".
    tap("ordinary", page.locator(f'a[href="/personale/besoeg/{scene.visit.id}"]'))
    expect(page.get_by_role("heading", level=1)).to_have_text("Besøg hos Inger Jensen")
    assert_accessible(page)
    tap("ordinary", page.get_by_role("button", name=re.compile("^Som planlagt")))
    expect(page.locator(".app-flash")).to_contain_text(
        "Besøget hos Inger Jensen er registreret som planlagt."
    )

    # The wished swap, answered from the list before the visit: the citizen hears it now.
    tap("answer", page.get_by_role("button", name=re.compile("^Ja, det kan vi")))
    expect(page.locator(".app-flash")).to_contain_text("Inger Jensen får besked nu")
    expect(page.locator(".app-swap-answer")).to_have_count(0)
    assert_accessible(page)

    # At the visit: the record is filled in from the answer; saving it is one more tap.
    tap("swap", page.locator(f'a[href="/personale/besoeg/{later.id}"]'))
    expect(
        page.get_by_role("group", name="Støvsugning").get_by_label("Fravalgt af borgeren (bytte)")
    ).to_be_checked()
    expect(
        page.get_by_role("group", name="Blev byttet gjort?").get_by_label("Ja, byttet blev gjort")
    ).to_be_checked()
    line = page.get_by_role("group", name="Hjælp gjort i stedet, linje 1")
    expect(line.get_by_label("Ydelse gjort i stedet")).to_have_value("FL-GAATUR")
    expect(line.get_by_label("Minutter")).to_have_value("30")
    assert_accessible(page)
    screenshot(page, "staff-record-prefilled-phone")
    tap("swap", page.get_by_role("button", name="Gem registreringen"))
    expect(page.locator(".app-flash")).to_contain_text("Besøget er registreret.")
    expect(page.locator(".app-record-list")).to_contain_text("Gåtur: gjort i stedet (30 minutter)")

    print(f"taps: {taps}")  # reported in issue 12's note
    assert taps["ordinary"] <= 3
    assert taps["answer"] + taps["swap"] <= 5
