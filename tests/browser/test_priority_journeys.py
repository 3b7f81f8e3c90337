"""Ældreloven in a real browser (issue 11): an AEL citizen sets what matters most at her next
visit (Danish and English, JavaScript on and off), asks for help outside her forløb and ends in
the reassessment with her words kept, and a worker on a phone records a priority not met.
axe-core (WCAG 2.1 A/AA) on every page passed. DOMAIN.md "Ældreloven" for the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from selvvisitation.domain.types import (
    PriorityKind,
    PriorityNotMetReason,
    PriorityStatus,
)
from selvvisitation.extensions import db
from selvvisitation.models import ReassessmentRequest
from selvvisitation.models.priorities import VisitPriority
from tests.browser.dialogue_chat import WORDS, Chat, stored, the_one
from tests.citizen.ael_household import build_ael_household, visit_today_with_priorities


@dataclass(frozen=True)
class AelWords:
    priority: str
    which_visit: str
    what_matters: str
    in_my_help: str
    which_part: str
    care: str
    what_with_care: str
    first: str
    send_it: str
    yes_send: str
    forsvarligt: str
    sent: str
    go_to_help: str
    my_help_heading: str


AEL_WORDS = {
    "da": AelWords(
        priority="Det vigtigste for mig ved mine næste besøg",
        which_visit="Hvilket besøg gælder det?",
        what_matters="Hvad er vigtigst for dig?",
        in_my_help="Noget i min hjælp: først, mere, mindre eller springe over",
        which_part="Hvilken del af din hjælp drejer det sig om?",
        care="Personlig hjælp og pleje",
        what_with_care="Hvad vil du gerne med Personlig hjælp og pleje?",
        first="Have det først",
        send_it="Vil du sende det?",
        yes_send="Ja, send det",
        forsvarligt="Hjemmehjælperen vurderer på dagen, hvad der er forsvarligt.",
        sent="Det vigtigste for dig er sendt",
        go_to_help="Gå til din hjælp",
        my_help_heading="Din hjælp",
    ),
    "en": AelWords(
        priority="What matters most to me at my next visits",
        which_visit="Which visit is it about?",
        what_matters="What matters most to you?",
        in_my_help="Something in my help: first, more, less or skip it",
        which_part="Which part of your help is it about?",
        care="Personal help and care",
        what_with_care="What would you like with Personal help and care?",
        first="Have it first",
        send_it="Do you want to send it?",
        yes_send="Yes, send it",
        forsvarligt="The home-care worker decides on the day what is safe to do.",
        sent="What matters most to you has been sent",
        go_to_help="Go to your help",
        my_help_heading="Your help",
    ),
}


@pytest.fixture
def ael_chat(
    browser,
    live_server,
    factories,
    sign_in_citizen_in_browser,
    assert_accessible,
    assert_accessible_without_js,
):
    """``ael_chat(language, javascript)``: an AEL citizen in the dialogue, and her household."""
    household = build_ael_household(factories)
    db.session.commit()
    contexts = []

    def open_chat(language: str, javascript: bool) -> tuple[Chat, object]:
        context = browser.new_context(
            base_url=live_server, locale="da-DK", java_script_enabled=javascript
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in_citizen_in_browser(page, household.citizen)
        axe = assert_accessible if javascript else assert_accessible_without_js
        chat = Chat(page, WORDS[language], language, javascript, lambda p: axe(p, locale=language))
        chat.open()
        return chat, household

    yield open_chat
    for context in contexts:
        context.close()


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
@pytest.mark.parametrize("language", ["da", "en"])
def test_an_ael_citizen_sets_what_matters_most_at_her_next_visit(ael_chat, language, javascript):
    """DOMAIN.md "Ældreloven": reading (priorities within the forløb; told the worker decides
    on the day what is safe); a confirmation page of its own (issue 12)."""
    chat, household = ael_chat(language, javascript)
    visit_id, care_id = household.visit.id, household.care.id
    w = AEL_WORDS[language]
    chat.asked(chat.w.menu)
    chat.choose(w.priority)
    chat.asked(w.which_visit)
    chat.page.locator("#chat-current label").first.click()  # the next visit
    chat.send()
    chat.asked(w.what_matters)
    chat.choose(w.in_my_help)
    chat.asked(w.which_part)
    chat.choose(w.care)
    chat.asked(w.what_with_care)
    chat.choose(w.first)
    chat.asked(w.send_it)
    chat.says(w.forsvarligt)
    chat.choose(w.yes_send)

    page = chat.page
    expect(page.get_by_role("heading", level=1)).to_contain_text(w.sent)
    priority = the_one(VisitPriority)
    expect(page.get_by_role("heading", level=1)).to_contain_text(priority.reference)
    assert (priority.visit_id, priority.element_id, priority.kind) == (
        visit_id,
        care_id,
        PriorityKind.FIRST,
    )
    chat.check(page)
    page.get_by_role("link", name=w.go_to_help).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(w.my_help_heading)
    expect(page.locator(".app-priorities")).to_contain_text(priority.reference)
    assert "minut" not in page.locator("main").inner_text().lower()
    chat.check(page)


def test_an_ael_citizen_asks_for_help_outside_her_forlob_and_her_words_go_along(ael_chat):
    """DOMAIN.md "Ældreloven": law (substantially different help is for the visitation);
    reading (it becomes a request to the visitator, with her words)."""
    chat, _household = ael_chat("da", True)
    w = AEL_WORDS["da"]
    words = "Jeg vil gerne have madservice hver dag"
    chat.asked(chat.w.menu)
    chat.choose(w.priority)
    chat.asked(w.which_visit)
    chat.page.locator("#chat-current label").first.click()
    chat.send()
    chat.asked(w.what_matters)
    chat.write("Eller skriv med dine egne ord, hvad der er vigtigst for dig", words)
    chat.asked("Hvad vil du gøre?")
    chat.says("Det er visitationen, der bestemmer det.", f"Du skrev: “{words}”")
    chat.choose("Bed visitationen se på min hjælp")
    chat.asked(chat.w.why)
    chat.choose(chat.w.more_help)
    chat.asked(chat.w.what_changed)
    expect(chat.page.get_by_label(chat.w.what_changed_label, exact=True)).to_have_value(words)
    chat.send()
    chat.asked(chat.w.relative_takes_part)
    chat.choose(chat.w.no)
    chat.asked(chat.w.good_time)
    chat.choose(chat.w.morning)
    chat.asked(chat.w.send_request_question)
    chat.choose(chat.w.send_request)
    chat.confirmed(chat.w.request_sent_title, ReassessmentRequest)  # its own page (issue 12)
    chat.says(chat.w.request_sent)
    assert the_one(ReassessmentRequest).text == words
    assert stored(VisitPriority) == []


def test_a_worker_on_a_phone_records_an_ael_visit_with_a_priority_not_met(
    phone_page, factories, sign_in_staff_in_browser, assert_accessible
):
    """DOMAIN.md "Ældreloven": reading (the worker decides what is safe; a priority not met
    carries the reason; no minutes)."""
    household = build_ael_household(factories)
    _visit, _care, _practical, walk, first, worker = visit_today_with_priorities(
        factories, household
    )
    walk_id, first_id = walk.id, first.id
    page = phone_page
    page.set_viewport_size({"width": 390, "height": 844})  # a common phone today
    sign_in_staff_in_browser(page, worker)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine besøg i dag")
    expect(page.locator(".app-priorities")).to_contain_text("“En gåtur i haven”")
    assert "minut" not in page.locator(".app-visit").first.inner_text().lower()
    assert_accessible(page)
    page.get_by_role("link", name="Registrér besøget").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Besøg hos Inger Jensen")
    assert_accessible(page)
    page.get_by_role("group", name="Blev det gjort: Først: Personlig hjælp og pleje?").get_by_label(
        "Ja, det blev gjort"
    ).check(force=True)
    page.get_by_role("group", name="Blev det gjort: “En gåtur i haven”?").get_by_label("Nej").check(
        force=True
    )
    page.get_by_role("button", name="Gem registreringen").click()
    # Not met needs a reason: the plain message, nothing saved.
    expect(page.locator(".alert-error")).to_contain_text("Vælg, hvorfor det ikke blev gjort")
    assert_accessible(page)
    page.get_by_role("group", name="Hvorfor blev det ikke gjort: “En gåtur i haven”?").get_by_label(
        "Det var ikke forsvarligt"
    ).check(force=True)
    page.get_by_role("button", name="Gem registreringen").click()
    expect(page.locator(".app-flash")).to_contain_text("Besøget er registreret.")
    assert_accessible(page)
    walk = the_one(VisitPriority, VisitPriority.id == walk_id)
    assert (walk.status, walk.not_met_reason) == (
        PriorityStatus.NOT_MET,
        PriorityNotMetReason.SAFETY,
    )
    assert the_one(VisitPriority, VisitPriority.id == first_id).status == PriorityStatus.MET
