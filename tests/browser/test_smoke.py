"""The start page in a real browser, in Danish and English, with no WCAG 2.1 A/AA violation."""

from playwright.sync_api import expect


def test_start_page_in_danish_has_no_accessibility_violations(browser_page, assert_accessible):
    browser_page.goto("/")
    expect(browser_page.locator("html")).to_have_attribute("lang", "da")
    expect(browser_page.get_by_role("heading", level=1)).to_have_text("Fleksibel hjemmehjælp")
    assert_accessible(browser_page)


def test_start_page_in_english_has_no_accessibility_violations(browser_page, assert_accessible):
    browser_page.goto("/")
    browser_page.get_by_role("button", name="English").click()
    expect(browser_page.locator("html")).to_have_attribute("lang", "en")
    expect(browser_page.get_by_role("heading", level=1)).to_have_text("Flexible home help")
    assert_accessible(browser_page, locale="en")


def test_skip_link_moves_focus_to_the_main_content(browser_page):
    browser_page.goto("/")
    browser_page.keyboard.press("Tab")
    focused = browser_page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Gå til indholdet"
    browser_page.keyboard.press("Enter")
    assert browser_page.evaluate("document.activeElement.id") == "main-content"


def test_pages_load_no_inline_script_under_the_strict_policy(browser_page):
    errors: list[str] = []
    browser_page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    browser_page.goto("/")
    browser_page.wait_for_load_state("networkidle")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert browser_page.evaluate("document.documentElement.classList.contains('js')")
