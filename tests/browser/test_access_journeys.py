"""Targets, text size and reflow on the citizen's key pages, and the warning before the
session times out, in a real browser (issue 12 items 8 and 9).

Sizes are measured, not read from the stylesheet: what counts is the box the finger or
the mouse meets.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.citizen.conftest import build_household

PHONE = {"width": 390, "height": 844}

# Every element one can click, tap or tab to. A radio button or checkbox is met through
# its label (DKFDS draws the box in the label), so the label is what is measured.
MEASURE_TARGETS = """
() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary,'
    + ' [tabindex]:not([tabindex="-1"])';
  const small = [];
  for (const element of document.querySelectorAll(selector)) {
    let target = element;
    if ((element.type === 'radio' || element.type === 'checkbox') && element.labels.length) {
      target = element.labels[0];
    }
    if (!target.checkVisibility()) continue;
    const box = target.getBoundingClientRect();
    if (box.width < 44 || box.height < 44) {
      const size = `${box.width.toFixed(1)} x ${box.height.toFixed(1)}`;
      small.push(`${target.outerHTML.slice(0, 90)}: ${size}`);
    }
  }
  return small;
}
"""

# The citizen's main buttons: 48 px (issue 12 item 8).
MEASURE_MAIN_BUTTONS = """
() => Array.from(document.querySelectorAll('main .button-primary, main .button-secondary'))
  .filter(button => button.checkVisibility())
  .map(button => [button.textContent.trim(), button.getBoundingClientRect().height])
  .filter(([, height]) => height < 48)
"""

# Wider than the window: the page scrolls sideways (or, as DKFDS hides the body's
# overflow, cuts its content off). Either fails WCAG 1.4.10.
OVERFLOW = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"


def _check_targets(page, where: str) -> None:
    small = page.evaluate(MEASURE_TARGETS)
    assert not small, f"targets under 44 x 44 px on {where}:\n" + "\n".join(small)
    low = page.evaluate(MEASURE_MAIN_BUTTONS)
    assert not low, f"citizen buttons under 48 px on {where}: {low}"


def _check_reflow(page, where: str) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate(OVERFLOW) <= width, f"{where} is wider than {width} px"


def test_every_target_is_large_and_no_page_scrolls_sideways_at_320_px_or_200_percent(
    browser, live_server, factories, sign_in_citizen_in_browser, assert_accessible
):
    """Issue 12 item 8: 44 x 44 px targets (WCAG 2.5.5), 48 px for the citizen's buttons,
    18 px text with a "Større tekst" switch kept in the session, and no sideways scroll at
    200 % zoom (WCAG 1.4.4) or 320 px (WCAG 1.4.10), on the citizen's key pages."""
    household = build_household(factories)
    citizen = household.citizen
    pages = [
        "/borger/",
        "/borger/samtale",
        "/borger/besoeg",
        "/hjaelp",
        "/tilgaengelighed",
    ]
    context = browser.new_context(base_url=live_server, locale="da-DK", viewport=PHONE)
    page = context.new_page()
    sign_in_citizen_in_browser(page, citizen)
    for path in pages:
        page.goto(path)
        _check_targets(page, path)
        assert page.evaluate("getComputedStyle(document.body).fontSize") == "18px", path
    assert_accessible(page)

    # "Større tekst": pressed, kept from page to page, and 22 px.
    page.goto("/borger/")
    switch = page.get_by_role("button", name="Større tekst")
    expect(switch).to_have_attribute("aria-pressed", "false")
    switch.click()
    expect(page.get_by_role("button", name="Større tekst")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.goto("/borger/samtale")
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "22px"
    assert_accessible(page)

    # 320 px wide with the larger text, and a 1280 px window at 200 % (640 CSS px).
    for viewport in ({"width": 320, "height": 640}, {"width": 640, "height": 450}):
        page.set_viewport_size(viewport)
        for path in pages:
            page.goto(path)
            _check_reflow(page, f"{path} at {viewport['width']} px")
            _check_targets(page, f"{path} at {viewport['width']} px")
    context.close()


def _last_seen(app, page) -> float:
    """The session's clock, read from the browser's own cookie."""
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = next(c for c in page.context.cookies() if c["name"] == name)
    return app.session_interface.get_signing_serializer(app).loads(cookie["value"])["last_seen"]


def test_the_warning_before_the_timeout_lets_her_stay_signed_in(
    app, browser_page, factories, sign_in_citizen_in_browser, assert_accessible
):
    """Issue 12 item 9, WCAG 2.2.1: a dialog five minutes before the 30-minute timeout;
    "Bliv logget ind" starts the 30 minutes again without leaving the page; at the end the
    dialog says she is signed out. The page's clock is driven (page.clock), no waiting."""
    household = build_household(factories)
    page = browser_page
    page.clock.install()
    sign_in_citizen_in_browser(page, household.citizen)
    page.goto("/borger/samtale")
    dialog = page.locator("dialog#session-warning")
    page.clock.fast_forward("24:00")
    expect(dialog).to_be_hidden()

    page.clock.fast_forward("01:30")  # 25½ minutes: inside the last five
    expect(dialog.get_by_role("heading", name="Du bliver snart logget ud")).to_be_visible()
    expect(dialog.get_by_role("button", name="Bliv logget ind")).to_be_focused()
    assert_accessible(page)
    before = _last_seen(app, page)
    with page.expect_response("**/log-ind/forlaeng") as answer:
        dialog.get_by_role("button", name="Bliv logget ind").click()
    assert answer.value.json() == {"seconds_left": 1800}
    expect(dialog).to_be_hidden()
    assert page.url.endswith("/borger/samtale")  # she stayed on her page
    assert _last_seen(app, page) > before  # the server's 30 minutes started again

    page.clock.fast_forward("24:00")  # counted from "Bliv logget ind", not from the page
    expect(dialog).to_be_hidden()
    page.clock.fast_forward("06:30")
    expect(dialog.get_by_role("heading", name="Du er logget ud")).to_be_visible()
    expect(dialog.get_by_role("link", name="Log ind igen")).to_be_focused()
    assert_accessible(page)
    dialog.get_by_role("button", name="Luk").click()
    expect(dialog).to_be_hidden()
