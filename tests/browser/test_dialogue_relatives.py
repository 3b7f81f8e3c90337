"""A new relative through the dialogue in a real browser: Danish and English, JavaScript
on and off, no WCAG 2.1 A/AA violation (axe-core) on any step.

Only the citizen gives consent (002 sections 10 and 16; 004 §2.1.1); the relative is
recognised by CPR number when signing in with MitID, so the dialogue asks for it and
shows it masked.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import Page, expect
from sqlalchemy import select

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import ConsentScope
from selvvisitation.extensions import db
from selvvisitation.models import Consent
from tests.citizen.conftest import build_household

WORDS = {
    "da": {
        "continue": "Fortsæt",
        "start": "Hvad vil du have hjælp til?",
        "path": "Pårørende og samtykke",
        "new": "Giv samtykke til en ny pårørende",
        "name_question": "Hvad hedder den pårørende, du vil give samtykke?",
        "name_label": "Den pårørendes fulde navn",
        "relation": "Mit barn",
        "cpr_question": "Hvad er CPR-nummeret på Mette Nielsen?",
        "cpr_error": "Skriv CPR-nummeret med 10 cifre, for eksempel 010150-1234",
        "scope": "Mette Nielsen må se min hjælp og handle for mig",
        "from": "Fra i dag",
        "until_question": "Indtil hvornår må Mette Nielsen se din hjælp?",
        "confirm_question": "Vil du give Mette Nielsen dette samtykke?",
        "save": "Ja, giv samtykket",
        "done": "Sådan. Mette Nielsen er på din liste over pårørende",
        "more": "Er der andet, jeg kan hjælpe dig med?",
        "date_format": "EEEE d. MMMM y",
        "listed": "Mette Nielsen (barn): må se din hjælp og handle for dig indtil",
    },
    "en": {
        "continue": "Continue",
        "start": "What would you like help with?",
        "path": "Relatives and consent",
        "new": "Give consent to a new relative",
        "name_question": "What is the name of the relative you want to give consent to?",
        "name_label": "The relative's full name",
        "relation": "My child",
        "cpr_question": "What is Mette Nielsen's CPR number?",
        "cpr_error": "Write the CPR number as 10 digits, for example 010150-1234",
        "scope": "Mette Nielsen may see my help and act for me",
        "from": "From today",
        "until_question": "Until when may Mette Nielsen see your help?",
        "confirm_question": "Do you want to give Mette Nielsen this consent?",
        "save": "Yes, give the consent",
        "done": "Done. Mette Nielsen is on your list of relatives",
        "more": "Is there anything else I can help you with?",
        "date_format": "EEEE d MMMM y",
        "listed": "Mette Nielsen (child): may see your help and act for you until",
    },
}


@pytest.fixture
def household(factories):
    return build_household(factories)


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("device", ["browser_page", "no_js_page"])
def test_the_citizen_adds_a_relative_in_the_browser(
    request, device, language, household, sign_in_citizen_in_browser, assert_accessible
):
    page: Page = request.getfixturevalue(device)
    words = WORDS[language]
    javascript = device == "browser_page"
    last = local_today() + timedelta(days=30)

    def ask(text: str) -> None:
        expect(page.locator("#current-question")).to_have_text(text)
        # axe-core runs as JavaScript: with JavaScript off the server sends the same HTML,
        # checked on the JavaScript-on run of the same language.
        if javascript:
            assert_accessible(page, locale=language)

    def choose(label: str) -> None:
        page.locator("#chat-current label").filter(has_text=label).first.click()
        send()

    def write(text: str) -> None:
        page.locator("#chat-form #text").fill(text)
        send()

    def send() -> None:
        page.locator("#chat-form").get_by_role("button", name=words["continue"]).click()

    sign_in_citizen_in_browser(page, household.citizen)
    page.goto("/borger/samtale")
    if language == "en":
        page.get_by_role("button", name="English").click()
    ask(words["start"])
    choose(words["path"])
    choose(words["new"])
    ask(words["name_question"])
    expect(page.get_by_label(words["name_label"])).to_be_visible()
    write("Mette Nielsen")
    choose(words["relation"])
    ask(words["cpr_question"])
    write("12345")  # bad input: the message, the same question again
    expect(page.locator(".alert-error")).to_contain_text(words["cpr_error"])
    ask(words["cpr_question"])
    write("010170-1234")
    expect(page.locator("#chat-log")).to_contain_text("010170-XXXX")
    choose(words["scope"])
    choose(words["from"])
    ask(words["until_question"])
    write(f"{last.day}-{last.month}-{last.year}")
    ask(words["confirm_question"])
    choose(words["save"])
    expect(page.locator("#chat-log")).to_contain_text(words["done"])
    ask(words["more"])
    choose(words["path"])
    last_day = format_date(last, words["date_format"], locale=language)
    expect(page.locator("#chat-log")).to_contain_text(f"{words['listed']} {last_day}")
    expect(page.locator("#chat-log")).not_to_contain_text("1234")

    db.session.rollback()
    consent = db.session.scalars(select(Consent)).one()
    assert consent.scope == ConsentScope.ACT and consent.relative.name == "Mette Nielsen"
    db.session.rollback()
