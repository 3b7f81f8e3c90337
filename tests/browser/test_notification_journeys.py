"""The notification settings in a real browser, with JavaScript on and off, and no WCAG 2.1
A/AA violation (issue 14: "There are browser journeys … for the notification settings")."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from selvvisitation.domain.notifications import Channel
from selvvisitation.extensions import db
from selvvisitation.models import NotificationPreference


@pytest.fixture
def open_page(browser, live_server, assert_accessible, assert_accessible_without_js):
    """``open_page(javascript)``: a page in a context of its own, and its axe check."""
    contexts = []

    def make(javascript: bool):
        context = browser.new_context(
            base_url=live_server, locale="da-DK", java_script_enabled=javascript
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page, (assert_accessible if javascript else assert_accessible_without_js)

    yield make
    for context in contexts:
        context.close()


def _saved() -> list[NotificationPreference]:
    db.session.rollback()
    return list(db.session.scalars(select(NotificationPreference)))


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
def test_the_citizen_chooses_text_messages_from_her_front_page(
    open_page, factories, sign_in_citizen_in_browser, javascript
):
    citizen = factories.Citizen(name="Inger Holm")
    page, axe = open_page(javascript)
    sign_in_citizen_in_browser(page, citizen)
    page.get_by_role(
        "link", name="Vælg, om du vil have en e-mail eller en sms, når der er nyt"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Underretninger")
    axe(page)

    page.get_by_label("Sms").check()
    page.get_by_label("Mobilnummer").fill("1234")
    page.get_by_role("button", name="Gem mine valg").click()
    expect(page.locator(".alert-error")).to_contain_text(
        "Skriv et dansk mobilnummer med 8 cifre, for eksempel 20 30 40 50"
    )
    expect(page.get_by_label("Mobilnummer")).to_have_attribute("aria-invalid", "true")
    assert page.title().startswith("Fejl: ")
    axe(page)
    assert _saved() == []

    page.get_by_label("Mobilnummer").fill("20 30 40 50")
    page.get_by_label("Et besøg er gennemført").check()
    page.get_by_role("button", name="Gem mine valg").click()
    expect(page.locator(".app-flash")).to_contain_text("Dine valg er gemt.")
    axe(page)
    (saved,) = _saved()
    assert (saved.channel, saved.mobile, saved.relative_id) == (Channel.SMS, "+4520304050", None)
    assert "visit_carried_out" in saved.topics and "answers" in saved.topics


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
def test_a_relative_chooses_e_mail_for_herself(
    open_page, factories, sign_in_citizen_in_browser, javascript
):
    consent = factories.Consent(citizen__name="Karl Berg", relative__name="Sofie Berg")
    page, axe = open_page(javascript)
    sign_in_citizen_in_browser(page, consent.relative, relative_for=consent.citizen)
    page.goto("/borger/underretninger")
    expect(page.locator(".app-on-behalf")).to_contain_text("dine egne valg som pårørende")
    expect(page.get_by_label("En pårørende har gjort noget for dig")).to_have_count(0)
    page.get_by_label("E-mail", exact=True).check()
    page.get_by_label("E-mailadresse").fill("sofie@example.dk")
    page.get_by_role("button", name="Gem mine valg").click()
    expect(page.locator(".app-flash")).to_contain_text("Dine valg er gemt.")
    axe(page)
    (saved,) = _saved()
    assert (saved.relative_id, saved.email) == (consent.relative.id, "sofie@example.dk")
