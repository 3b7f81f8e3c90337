"""The supervisor's journey in a real browser (seed 000 "Tilsynsbesøg"), axe-core WCAG 2.1 A/AA.

Draw the year's sample, swap a citizen with a reason, record the visit with the five
themes, add a recommendation and the provider's action, then read the provider report
for the demo data and keep a screenshot of it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from selvvisitation.demo.seed import build_demo
from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import SupervisionSample
from selvvisitation.security.passwords import hash_password
from selvvisitation.services.flags import evaluate_municipality
from tests.factories import TEST_PASSWORD


@pytest.fixture
def demo():
    """The demo municipality, with flags evaluated as the system does after visits are recorded."""
    result = build_demo(db.session)
    db.session.commit()
    evaluate_municipality(db.session, result.municipality.id)
    db.session.commit()
    return result


def supervisor_of(demo):
    from selvvisitation.models import StaffUser

    staff = (
        db.session.query(StaffUser)
        .filter_by(municipality_id=demo.municipality.id, role=StaffRole.SUPERVISOR)
        .one()
    )
    staff.password_hash = hash_password(TEST_PASSWORD)
    db.session.commit()
    return staff


def test_the_supervisor_draws_swaps_visits_and_reads_the_report(
    browser_page, demo, sign_in_staff_in_browser, assert_accessible, screenshot
):
    page = browser_page
    supervisor = supervisor_of(demo)
    year = local_today().year
    sign_in_staff_in_browser(page, supervisor)

    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Tilsyn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilsyn med leverandører")
    assert_accessible(page)

    # This year's sample (the demo drew it): 6 of the municipal home care's citizens.
    municipal = page.get_by_role("row").filter(has_text="Esbjerg Hjemmepleje")
    municipal.get_by_role("link", name="6 borgere").click()
    rows = page.locator("table").first.locator("tbody tr")
    expect(rows).to_have_count(6)
    assert_accessible(page)

    # Swap the first citizen for another with about the same help, giving the reason.
    first = rows.first.locator("th").inner_text().split(" (")[0]
    rows.first.get_by_role("link", name="Skift ud").click()
    page.get_by_role("button", name="Skift borgeren ud").click()
    expect(page.locator(".alert-error")).to_contain_text("Vælg, hvem der tager pladsen")
    assert_accessible(page)
    page.locator("input[name=replacement]").first.check()
    page.get_by_label("Hvorfor skiftes borgeren ud").fill("Indlagt på sygehus")
    page.get_by_role("button", name="Skift borgeren ud").click()
    expect(page.locator(".app-flash")).to_contain_text(f"{first} er skiftet ud")
    expect(page.locator("table").first).to_contain_text("Indlagt på sygehus")
    assert_accessible(page)

    # Next year's sample: nothing drawn yet; first a bad year, then the year.
    page.get_by_role("link", name=f"Stikprøve {year + 1}").click()
    page.get_by_label("Årstal for tilsynet").fill("næste år")
    page.get_by_role("button", name="Udtræk stikprøven").click()
    expect(page.locator(".alert-error")).to_contain_text("Skriv årstallet for tilsynet")
    assert_accessible(page)
    page.get_by_label("Årstal for tilsynet").fill(str(year + 1))
    page.get_by_role("button", name="Udtræk stikprøven").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Stikprøve {year + 1}")
    expect(page.locator("table").first.locator("tbody tr")).to_have_count(6)
    db.session.rollback()  # see what the served app committed
    assert SupervisionSample.query.filter_by(year=year + 1).count() == 1

    # The supervision visit with the five themes (the demo offers both sets: choose first).
    page.get_by_role("link", name="Alle leverandører").click()
    municipal.get_by_role("link", name="Nyt tilsynsbesøg").click()
    page.get_by_label("Fem temaer", exact=False).check()
    page.get_by_role("button", name="Fortsæt").click()
    page.get_by_label("Dato for tilsynsbesøget").fill(local_today().strftime("%d.%m.%Y"))
    for group in page.locator("fieldset").all():
        group.get_by_label("Praksis svarer til det besluttede", exact=True).check()
    page.locator("fieldset").nth(3).get_by_label(
        "Praksis svarer delvist til det besluttede"
    ).check()
    page.get_by_role("button", name="Gem tilsynsbesøget").click()
    expect(page.locator(".alert-error")).to_contain_text("Skriv, hvad tilsynet fandt")
    assert_accessible(page)
    page.locator("textarea").nth(3).fill("Handsker manglede i ét hjem.")
    page.get_by_role("button", name="Gem tilsynsbesøget").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tilsynsbesøg")
    assert_accessible(page)

    page.get_by_role("link", name="Tilføj en anbefaling").click()
    page.get_by_label("Hygiejne: forebyggelse af smittespredning").check()
    page.get_by_label("Anbefaling", exact=True).fill("Handsker i alle tasker.")
    page.get_by_role("button", name="Gem anbefalingen").click()
    page.get_by_role("link", name="Tilføj en handling til handleplanen").first.click()
    page.get_by_label("Leverandørens handling").fill("Tasker tjekkes hver morgen.")
    page.get_by_label("Ansvarlig hos leverandøren").fill("Teamleder")
    page.get_by_label("Færdig senest").fill("1.2.2027")
    page.get_by_role("button", name="Gem handlingen").click()
    expect(page.locator(".app-recommendation").first).to_contain_text("Tasker tjekkes hver morgen.")

    # The provider report for the demo data, on screen and for print.
    page.get_by_role("link", name="Leverandørrapport").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Leverandørrapport: Esbjerg Hjemmepleje"
    )
    expect(page.locator("figure")).to_have_count(5)
    expect(page.get_by_role("button", name="Udskriv rapporten")).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.locator(".app-period")).to_be_hidden()
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "provider_report_municipal")

    # The private provider's report: far more swaps and repeated deselections than the
    # municipality as a whole, which the report points out.
    page.get_by_role("link", name="Alle leverandører").click()
    page.get_by_role("row").filter(has_text="Vestkystens").get_by_role(
        "link", name="Leverandørrapport"
    ).click()
    expect(page.locator(".app-findings-alert")).to_contain_text("Ønsker om bytte")
    expect(page.locator("#chart-satisfaction-title")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "provider_report")


def test_the_supervisor_visits_by_the_aeldretilsyns_three_values(
    browser_page, demo, sign_in_staff_in_browser, assert_accessible, screenshot
):
    """Ældretilsynsloven § 7 stk. 3 (issue 11): selvbestemmelse, tillid, samspil med pårørende
    og civilsamfund as the themes of the visit; the report compares in words (issue 12)."""
    page = browser_page
    sign_in_staff_in_browser(page, supervisor_of(demo))
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Tilsyn").click()
    private = page.get_by_role("row").filter(has_text="Vestkystens")
    private.get_by_role("link", name="Nyt tilsynsbesøg").click()

    # Which themes: first no choice, then the Ældretilsyn's three values.
    page.get_by_role("button", name="Fortsæt").click()
    expect(page.locator(".alert-error")).to_contain_text("Vælg temaerne for tilsynsbesøget")
    assert_accessible(page)
    page.get_by_label("Ældretilsynets tre værdier", exact=False).check()
    page.get_by_role("button", name="Fortsæt").click()
    expect(page.locator("fieldset legend")).to_have_text(
        ["Selvbestemmelse", "Tillid", "Samspil med pårørende og civilsamfund"]
    )
    assert_accessible(page)

    page.get_by_label("Dato for tilsynsbesøget").fill(local_today().strftime("%d.%m.%Y"))
    for group in page.locator("fieldset").all():
        group.get_by_label("Praksis svarer til det besluttede", exact=True).check()
    page.locator("fieldset").first.get_by_label("Praksis svarer delvist til det besluttede").check()
    page.get_by_role("button", name="Gem tilsynsbesøget").click()
    expect(page.locator(".alert-error")).to_contain_text("Skriv, hvad tilsynet fandt")
    assert_accessible(page)
    page.locator("textarea").first.fill("Borgerne kendte ikke siden om det vigtigste for dem.")
    page.get_by_role("button", name="Gem tilsynsbesøget").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tilsynsbesøg")
    expect(page.locator(".app-findings dt")).to_have_text(
        ["Selvbestemmelse", "Tillid", "Samspil med pårørende og civilsamfund"]
    )
    assert_accessible(page)

    # The report: the latest visit's three values, and each comparison in words.
    page.get_by_role("link", name="Leverandørrapport").click()
    findings = page.locator("table").filter(has_text="Fund for hvert tema")
    expect(findings.locator("tbody th")).to_have_text(
        ["Selvbestemmelse", "Tillid", "Samspil med pårørende og civilsamfund"]
    )
    expect(page.locator("#compare-ael thead")).to_contain_text("Sammenligning")
    expect(page.locator("#compare-ael tbody tr").first.locator("td").last).to_have_text(
        re.compile("kommunen|Ingen besøg at sammenligne")
    )
    assert_accessible(page)
    screenshot(page, "provider_report_values")
