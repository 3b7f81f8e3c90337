"""The citizen's dialogue in a real browser: every path, Danish and English, JavaScript on
and off, no WCAG 2.1 A/AA violation (axe-core) on any step, screenshots of the swap path.

The matrix is kept small on purpose: every path in Danish with JavaScript on; the swap
path also at phone width, without JavaScript, and in English.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from selvvisitation.domain.types import ActorKind, ConsentScope
from selvvisitation.extensions import db
from selvvisitation.models import ReassessmentRequest, SwapRequest, Wish
from tests.citizen.conftest import build_household

QUESTION = "#current-question"


def stored(model):
    """The one row of ``model`` the browser's requests wrote (a fresh read transaction)."""
    db.session.rollback()
    row = db.session.scalars(select(model)).one()
    # End the read at once: an open SQLite read would hold up the server's next write.
    db.session.expunge(row)
    db.session.rollback()
    return row


@pytest.fixture
def household(factories):
    return build_household(factories)


def answer(page: Page, *labels: str, button: str = "Fortsæt") -> None:
    """Tick the quick replies with these labels and send the answer."""
    for label in labels:
        page.locator("#chat-current label").filter(has_text=label).first.click()
    page.locator("#chat-form").get_by_role("button", name=button).click()


def ask(page: Page, text: str) -> None:
    expect(page.locator(QUESTION)).to_have_text(text)


def open_dialogue(page: Page, sign_in, person, *, relative_for=None) -> None:
    sign_in(page, person, relative_for=relative_for)
    page.goto("/borger/samtale")
    ask(page, "Hvad vil du have hjælp til?")


@pytest.mark.parametrize("device", ["browser_page", "phone_page"])
def test_the_swap_path_updates_in_place_with_javascript(
    request, device, household, sign_in_citizen_in_browser, assert_accessible, screenshot
):
    page = request.getfixturevalue(device)
    name = "desktop" if device == "browser_page" else "phone"
    open_dialogue(page, sign_in_citizen_in_browser, household.citizen)
    page.evaluate("window.notReloaded = true")
    assert_accessible(page)
    screenshot(page, f"swap-{name}-1-start")
    answer(page, "Byt en ydelse til noget andet")
    ask(page, "Er byttet for ét kommende besøg, eller et fast ønske for en periode?")
    # Focus moves to the new question, so a screen reader reads it next.
    assert page.evaluate("document.activeElement.id") == "current-question"
    answer(page, "For ét kommende besøg")
    ask(page, "Hvilket besøg gælder det?")
    answer(page, "kl.")
    ask(page, "Hvad vil du fravælge?")
    assert_accessible(page)
    screenshot(page, f"swap-{name}-2-drop")
    answer(page, "Støvsugning (20 minutter)")
    ask(page, "Hvad vil du have i stedet?")
    page.locator("#chat-current label").filter(has_text="Gåtur").first.click()
    # The minutes bar follows the choice at once, in words too.
    expect(page.locator(".app-minutes-text")).to_have_text(
        "Du bruger 20 af de 20 minutter, du har frigjort.")
    assert_accessible(page)
    screenshot(page, f"swap-{name}-3-instead")
    page.locator("#chat-form").get_by_role("button", name="Fortsæt").click()
    ask(page, "Vil du sende byttet?")
    log = page.locator("#chat-log")
    expect(log).to_contain_text("kan du ikke kræve at få senere")  # rule 6
    expect(log).to_contain_text("Hjemmehjælperen beslutter på dagen")  # rule 5
    assert_accessible(page)
    screenshot(page, f"swap-{name}-4-confirm")
    page.locator("#chat-form").get_by_role("button", name="Send byttet").click()
    expect(page.locator(".alert-error")).to_contain_text("Sæt kryds for at vise")
    assert page.evaluate("document.activeElement.getAttribute('data-module')") == "error-summary"
    assert_accessible(page)
    page.locator("#chat-current label").filter(has_text="Jeg har læst").click()
    page.locator("#chat-form").get_by_role("button", name="Send byttet").click()
    ask(page, "Er der andet, jeg kan hjælpe dig med?")
    swap = stored(SwapRequest)
    expect(log).to_contain_text(f"Dit referencenummer er {swap.reference}.")
    assert swap.visit_id == household.visit.id
    assert page.evaluate("window.notReloaded === true")  # no page load on the way
    assert_accessible(page)
    screenshot(page, f"swap-{name}-5-receipt")


@pytest.mark.parametrize("device", ["no_js_page", "browser_page"])
def test_the_swap_path_works_in_english_with_and_without_javascript(
    request, device, household, factories, sign_in_citizen_in_browser, assert_accessible
):
    factories.Service(municipality=household.citizen.municipality, code="FL-TOEJKOEB",
                      name_da="Indkøb af tøj", name_en="Buying clothes", flexible_only=True,
                      default_minutes=60)
    page = request.getfixturevalue(device)
    javascript = device != "no_js_page"

    def check(page: Page) -> None:
        # axe-core runs as JavaScript, so it checks the pages with JavaScript on; without
        # it the server sends the same HTML.
        if javascript:
            assert_accessible(page, locale="en")

    open_dialogue(page, sign_in_citizen_in_browser, household.citizen)
    page.get_by_role("button", name="English").click()
    ask(page, "What would you like help with?")
    check(page)
    answer(page, "Swap a service for something else", button="Continue")
    answer(page, "For a period, at every visit", button="Continue")
    ask(page, "For how long?")
    answer(page, "From", button="Continue")
    answer(page, "Vacuuming (20 minutes)", button="Continue")
    answer(page, "Buying clothes", button="Continue")
    ask(page, "What would you like to do?")
    expect(page.locator("#chat-log")).to_contain_text(
        "What you chose takes 60 minutes, but you have freed only 20 minutes.")
    check(page)
    page.get_by_role("button", name="Go back one step").click()
    ask(page, "What would you like instead?")
    answer(page, "A walk", button="Continue")
    ask(page, "Do you want to send the swap?")
    check(page)
    page.locator("#chat-current label").filter(has_text="I have read").click()
    page.get_by_role("button", name="Send the swap").click()
    ask(page, "Is there anything else I can help you with?")
    swap = stored(SwapRequest)
    assert swap.visit_id is None and swap.period_start is not None
    expect(page.locator("#chat-log")).to_contain_text(f"Your reference is {swap.reference}.")
    page.get_by_role("button", name="Start over").click()
    ask(page, "What would you like help with?")
    expect(page.locator("#chat-log")).not_to_contain_text(swap.reference)


def test_every_other_path_works_in_danish(
    browser_page, household, factories, sign_in_citizen_in_browser, assert_accessible
):
    factories.Consent(citizen=household.citizen,
                      relative=factories.Relative(name="Michael Nielsen"),
                      relation="søn", scope=ConsentScope.SEE)
    page = browser_page
    open_dialogue(page, sign_in_citizen_in_browser, household.citizen)
    log = page.locator("#chat-log")

    answer(page, "Se min hjælp og mine næste besøg")
    ask(page, "Er der andet, jeg kan hjælpe dig med?")
    expect(log).to_contain_text("Den hjælp, du har fået bevilget:")
    expect(log).to_contain_text("Støvsugning: 20 minutter, hver dag")
    assert_accessible(page)

    answer(page, "Dine rettigheder")
    expect(log).to_contain_text("Du har ret til fleksibel hjemmehjælp.")
    expect(log).to_contain_text("Serviceloven § 94 a")
    expect(page.locator("footer")).to_contain_text("70 10 20 30")  # a person to call
    assert_accessible(page)

    answer(page, "Et ønske til mine besøg")
    answer(page, "Mine vaner og rutiner")
    ask(page, "Skriv dit ønske")
    page.get_by_label("Dit ønske").fill("Jeg drikker kaffe kl. 8 og vil gerne have avisen")
    page.get_by_role("button", name="Gem ønsket").click()
    expect(log).to_contain_text("Tak. Dit ønske er gemt.")
    assert stored(Wish).kind == "routine"
    assert_accessible(page)

    answer(page, "Bed om at få min hjælp vurderet igen")
    answer(page, "Hjælpen passer ikke til mig")
    page.get_by_label("Hvad har ændret sig").fill("Jeg har fået ny hofte")
    page.locator("#chat-form").get_by_role("button", name="Fortsæt").click()
    answer(page, "Ja")
    answer(page, "Om eftermiddagen")
    ask(page, "Vil du sende anmodningen?")
    assert_accessible(page)
    answer(page, "Ja, send anmodningen")
    expect(log).to_contain_text("Din anmodning er sendt til visitationen.")
    assert stored(ReassessmentRequest).relative_participates

    answer(page, "Pårørende og samtykke")
    expect(log).to_contain_text("Michael Nielsen (søn): må se din hjælp")
    answer(page, "Træk samtykket til Michael Nielsen tilbage")
    ask(page, "Michael Nielsen vil ikke længere kunne se din hjælp eller handle for dig. "
              "Vil du trække samtykket tilbage?")
    assert_accessible(page)
    answer(page, "Ja")
    expect(log).to_contain_text("Samtykket er ændret")

    page.get_by_label("Eller skriv med dine egne ord, hvad du gerne vil").fill(
        "jeg vil hellere gå en tur end få støvsuget")
    page.locator("#chat-form").get_by_role("button", name="Fortsæt").click()
    ask(page, "Er det rigtigt?")
    expect(log).to_contain_text("Jeg forstod: Du vil gerne have Gåtur i stedet for Støvsugning.")
    assert_accessible(page)
    answer(page, "Ja")
    ask(page, "Er byttet for ét kommende besøg, eller et fast ønske for en periode?")


def test_a_relative_acts_on_the_citizens_behalf_without_javascript(
    no_js_page, household, factories, sign_in_citizen_in_browser
):
    consent = factories.Consent(citizen=household.citizen, scope=ConsentScope.ACT,
                                relative=factories.Relative(name="Susanne Jensen"))
    page = no_js_page
    open_dialogue(page, sign_in_citizen_in_browser, consent.relative,
                  relative_for=household.citizen)
    expect(page.locator("main")).to_contain_text("Du hjælper Inger Jensen.")
    answer(page, "Et ønske til mine besøg")
    answer(page, "Hvad jeg gerne vil have på")
    page.get_by_label("Dit ønske").fill("Mor vil gerne have den blå kjole på om søndagen")
    page.get_by_role("button", name="Gem ønsket").click()
    expect(page.locator("#chat-log")).to_contain_text("Susanne Jensen på vegne af Inger Jensen:")
    wish = stored(Wish)
    assert wish.created_by_kind == ActorKind.RELATIVE
    assert wish.created_by_relative_id == consent.relative_id
