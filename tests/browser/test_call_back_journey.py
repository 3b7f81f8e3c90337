""" "Ring mig op" in a real browser, with JavaScript on and off (issue 13): the citizen checks
her number (a wrong one is refused in Danish), chooses a good time, says what it is about,
checks her answers and sends; the confirmation page names the reference, and the visitator
finds the number and the time in the queue. axe-core (WCAG 2.1 A/AA) on every question,
the error, the confirmation page and the queue.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from selvvisitation.domain.types import CaseKind
from selvvisitation.extensions import db
from selvvisitation.models import CallBackRequest, Case
from tests.browser.dialogue_chat import WORDS, Chat, the_one
from tests.citizen.conftest import build_household


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_ring_mig_op_reaches_the_visitators_queue(
    browser,
    live_server,
    factories,
    sign_in_citizen_in_browser,
    sign_in_staff_in_browser,
    assert_accessible,
    assert_accessible_without_js,
    javascript,
):
    household = build_household(factories)
    citizen = household.citizen
    citizen.phone = "40506070"
    visitator = factories.StaffUser(municipality=citizen.municipality)
    db.session.commit()
    axe = assert_accessible if javascript else assert_accessible_without_js
    contexts = [
        browser.new_context(base_url=live_server, locale="da-DK", java_script_enabled=javascript)
        for _ in range(2)
    ]
    try:
        page = contexts[0].new_page()
        sign_in_citizen_in_browser(page, citizen)
        chat = Chat(page, WORDS["da"], "da", javascript, lambda p: axe(p, locale="da"))
        chat.open()
        chat.asked(chat.w.menu)
        chat.choose("Ring mig op")

        chat.asked("Hvilket nummer skal vi ringe til?")
        expect(page.get_by_label("Telefonnummer", exact=True)).to_have_value("40 50 60 70")
        chat.write("Telefonnummer", "40 50 60")
        chat.refused("Skriv et dansk telefonnummer med 8 cifre, for eksempel 12 34 56 78")
        chat.write("Telefonnummer", "+45 40 50 60 70")
        chat.asked("Hvornår passer det dig, at vi ringer?")
        chat.choose("Om formiddagen")
        chat.asked("Hvad vil du gerne tale om?")
        chat.write("Hvad det drejer sig om (du må gerne lade feltet stå tomt)", "Om mit bad")
        chat.asked("Vil du have, at visitationen ringer til dig?")
        chat.says("Du beder visitationen ringe til dig:", "40 50 60 70", "Om mit bad")
        # "Ændr" on a line of the summary: that question again, and with JavaScript on the
        # page stays where it is, as for an answer (issue 12 item 10).
        chat.change("Ændr et godt tidspunkt")
        chat.asked("Hvornår passer det dig, at vi ringer?")
        chat.choose("Om eftermiddagen")
        chat.asked("Hvad vil du gerne tale om?")
        chat.write("Hvad det drejer sig om (du må gerne lade feltet stå tomt)", "Om mit bad")
        chat.asked("Vil du have, at visitationen ringer til dig?")
        chat.says("Om eftermiddagen")
        chat.stayed_in_place()
        chat.choose("Ja, bed dem ringe til mig")
        chat.confirmed("Visitationen ringer til dig", CallBackRequest, back=False)

        case = the_one(Case)
        assert case.kind == CaseKind.CALL_BACK
        staff = contexts[1].new_page()
        sign_in_staff_in_browser(staff, visitator)
        staff.goto("/visitation/")
        row = staff.locator("table.app-queue tbody tr").filter(has_text=citizen.name)
        expect(row).to_contain_text("Borgeren beder om at blive ringet op")
        expect(row).to_contain_text("Ring op på 40 50 60 70, om eftermiddagen: Om mit bad")
        axe(staff, locale="da")
    finally:
        for context in contexts:
            context.close()
