"""The municipality admin's journeys in a real browser, with no WCAG 2.1 A/AA violation."""

from __future__ import annotations

from playwright.sync_api import expect

from selvvisitation.domain.types import StaffRole


def test_an_admin_edits_the_rules_with_the_effect_previewed_before_saving(
    browser_page, factories, assert_accessible, sign_in_staff_in_browser
):
    """Rule 7 (004 §1.3.3, 002 §8): the municipality sets when deselections are flagged."""
    admin = factories.StaffUser(role=StaffRole.MUNICIPALITY_ADMIN)
    page = browser_page
    sign_in_staff_in_browser(page, admin)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ydelseskatalog")
    assert_accessible(page)
    page.get_by_role("link", name="Regler").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regler for fleksibel hjemmehjælp")
    assert_accessible(page)

    page.get_by_label("Markér efter så mange fravalg af en ydelse").fill("nul")
    page.get_by_role("button", name="Vis virkningen").click()
    expect(page.locator(".alert-error")).to_contain_text("Skriv et helt tal, for eksempel 14")
    assert_accessible(page)

    page.get_by_label("Markér efter så mange fravalg af en ydelse").fill("2")
    page.get_by_label("ugen", exact=True).check(force=True)
    page.get_by_label("Lovgrundlaget for hjælpen (i afgørelsesbreve)").fill(
        "Ældreloven § 10 (personlig og praktisk hjælp)"
    )
    page.get_by_role("button", name="Vis virkningen").click()
    expect(page.locator(".app-preview")).to_contain_text("Virkningen af de nye regler")
    expect(page.locator(".app-reference-changes")).to_contain_text(
        "Ny tekst: “Ældreloven § 10 (personlig og praktisk hjælp)”"
    )
    expect(page.locator(".app-preview")).to_contain_text("Intet er gemt endnu.")
    assert_accessible(page)
    page.get_by_role("button", name="Gem de nye regler").click()
    expect(page.locator(".app-flash")).to_contain_text("Reglerne er gemt.")
    expect(page.get_by_label("Markér efter så mange fravalg af en ydelse")).to_have_value("2")
    expect(page.get_by_label("ugen", exact=True)).to_be_checked()


def test_an_admin_creates_a_worker_deactivates_and_reactivates_after_confirming(
    browser_page, factories, assert_accessible, sign_in_staff_in_browser
):
    admin = factories.StaffUser(role=StaffRole.MUNICIPALITY_ADMIN)
    team = factories.Team(provider__municipality=admin.municipality, name="Team Syd")
    page = browser_page
    sign_in_staff_in_browser(page, admin)
    page.goto("/admin/brugere/ny")
    assert_accessible(page)
    page.get_by_label("Brugernavn").fill("nina")
    page.get_by_label("Fulde navn").fill("Nina Ny")
    page.get_by_label("Hjemmehjælper").check(force=True)
    page.get_by_label("Team", exact=True).select_option(str(team.id))
    page.get_by_label("Adgangskode").fill("et-langt-kodeord-1")
    page.get_by_role("button", name="Gem brugeren").click()
    expect(page.locator(".app-flash")).to_contain_text("Brugeren er oprettet.")
    assert_accessible(page)
    page.get_by_role("link", name="Deaktivér Nina Ny").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deaktivér Nina Ny?")
    assert_accessible(page)
    page.get_by_role("button", name="Ja, deaktivér").click()
    expect(page.locator(".app-flash")).to_contain_text("Nina Ny kan ikke længere logge ind.")
    assert_accessible(page)
    page.get_by_role("link", name="Genaktivér Nina Ny").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Genaktivér Nina Ny?")
    assert_accessible(page)
    page.get_by_role("button", name="Ja, genaktivér").click()
    expect(page.locator(".app-flash")).to_contain_text("Nina Ny kan logge ind igen.")
    expect(page.get_by_role("link", name="Deaktivér Nina Ny")).to_be_visible()
