"""The visit calendar and a cancellation in a real browser (issue 14): on a 390 px phone,
with JavaScript on and off, and no WCAG 2.1 A/AA violation (axe-core) on any page."""

from __future__ import annotations

import re

import pytest
import time_machine
from playwright.sync_api import expect

from tests.visits.scene import NOW, visit_scene

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture(params=["javascript", "no-javascript"])
def phone(request, browser, live_server, assert_accessible, assert_accessible_without_js):
    """A 390 px phone, with JavaScript on or off; and the matching accessibility check."""
    scripts = request.param == "javascript"
    context = browser.new_context(
        base_url=live_server,
        locale="da-DK",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=scripts,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page, scripts, (assert_accessible if scripts else assert_accessible_without_js)
    context.close()


def test_the_calendar_on_a_phone(phone, factories, sign_in_citizen_in_browser, screenshot):
    page, scripts, check = phone
    scene = visit_scene(factories)
    sign_in_citizen_in_browser(page, scene.citizen)
    page.get_by_role("link", name="Se alle dine besøg de næste 4 uger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine besøg")
    visits = page.locator(".app-calendar-visit")
    expect(visits).to_have_count(3)
    expect(visits.first).to_contain_text("tirsdag 3. marts 2026 mellem 10:00 og 11:00")
    expect(visits.first).to_contain_text("Mette")
    expect(visits.first).to_contain_text("Støvsugning")
    # The print button works only with JavaScript, so it is shown only then.
    button = page.get_by_role("button", name="Udskriv kalenderen")
    if scripts:
        expect(button).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    else:
        expect(button).to_be_hidden()
    check(page)
    screenshot(page, f"visit-calendar-phone-{'js' if scripts else 'nojs'}")


def test_cancelling_a_visit_on_a_phone(phone, factories, sign_in_citizen_in_browser):
    """002, Praktiske opgaver: she is told there is no replacement before confirming."""
    page, scripts, check = phone
    scene = visit_scene(factories)
    sign_in_citizen_in_browser(page, scene.citizen)
    page.goto("/borger/besoeg")
    page.get_by_role("link", name=re.compile("^Aflys besøget")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aflys et besøg")
    expect(page.locator(".app-no-replacement")).to_contain_text(
        "Når du selv aflyser et besøg, får du ikke et nyt besøg i stedet."
    )
    check(page)
    page.get_by_role("button", name="Fortsæt").click()  # no reason chosen
    expect(page.locator(".alert-error")).to_contain_text("Vælg hvorfor du aflyser besøget")
    check(page)
    page.get_by_label("Jeg har familie på besøg").check(force=True)
    page.get_by_role("button", name="Fortsæt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vil du aflyse besøget?")
    check(page)
    page.get_by_role("button", name="Ja, aflys besøget").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Besøget er aflyst")
    check(page)
    page.get_by_role("link", name="Tilbage til besøgene").click()
    expect(page.locator(".app-calendar-visit").first).to_contain_text("Aflyst")
    expect(page.locator(".app-calendar-visit").first).to_contain_text("Du har aflyst dette besøg.")
    check(page)
