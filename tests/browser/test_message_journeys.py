"""A message from a relative and the team's reply (issue 14), in a real browser with
JavaScript on (phone-sized) and off, with no WCAG 2.1 A/AA violation (axe-core) on any
page passed. Every message page gives the phone numbers (seed 000: at once, by phone)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.messages.helpers import message_scene


@pytest.mark.parametrize("device", ["phone_page", "no_js_page"])
def test_a_relative_writes_to_the_team_and_the_team_answers(
    request,
    device,
    factories,
    sign_in_citizen_in_browser,
    sign_in_staff_in_browser,
    assert_accessible,
    assert_accessible_without_js,
):
    page: Page = request.getfixturevalue(device)
    check = assert_accessible if device == "phone_page" else assert_accessible_without_js
    scene = message_scene(factories)

    sign_in_citizen_in_browser(page, scene.relative, relative_for=scene.citizen)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Beskeder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beskeder")
    expect(page.locator(".app-urgent")).to_contain_text("76 16 50 00")
    check(page)
    page.get_by_role("link", name="Team Nord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beskeder med Team Nord")
    page.get_by_role("button", name="Send beskeden").click()
    expect(page).to_have_title(
        f"Fejl: Beskeder med Team Nord – Fleksibel hjemmehjælp – {scene.citizen.municipality.name}"
    )
    expect(page.locator(".form-error")).to_contain_text("Skriv din besked")
    check(page)
    page.get_by_label("Din besked").fill(
        "Kan I komme efter kl. 10 på torsdag?\nMor skal til frisør."
    )
    page.get_by_role("button", name="Send beskeden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Din besked er sendt")
    expect(page.locator(".app-next-steps")).to_contain_text("Du får svar her senest")
    check(page)

    sign_in_staff_in_browser(page, scene.worker)
    menu = page.get_by_role("navigation", name="Hovedmenu")
    menu.get_by_role("link", name="Beskeder (1 ulæst)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beskeder")
    expect(page.locator(".app-inbox")).to_contain_text("1 ulæst besked")
    check(page)
    page.get_by_role("link", name="Inger Jensen").click()
    expect(page.locator(".app-message-author")).to_have_text(
        "Mette Jensen på vegne af Inger Jensen"
    )
    check(page)
    page.get_by_label("Din besked").fill("Ja, vi kommer kl. 10.30 på torsdag.")
    page.get_by_role("button", name="Send svaret").click()
    expect(page.locator(".app-message-author").nth(1)).to_have_text("Anna, Team Nord")
    check(page)

    sign_in_citizen_in_browser(page, scene.relative, relative_for=scene.citizen)
    page.goto("/borger/beskeder")
    expect(page.locator(".app-threads")).to_contain_text("nyt svar")
    page.get_by_role("link", name="Team Nord").click()
    expect(page.locator(".app-message-text").nth(1)).to_have_text(
        "Ja, vi kommer kl. 10.30 på torsdag."
    )
    check(page)
