"""The real-browser harness: the app served on a free localhost port, Debian's chromium
driven by Playwright, and axe-core for WCAG 2.1 A/AA.

Never `playwright install`: the browser is Debian's /usr/bin/chromium. Where it is
missing, these tests are skipped with a visible reason (CI installs it).
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_DANISH = ROOT / "node_modules" / "axe-core" / "locales" / "da.json"
ARTIFACTS = ROOT / "test-artifacts"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# expect() waits 5 s by default; on a busy two-core machine a page can take longer, and
# a slow machine must not read as a broken page. Waits end as soon as the page is right.
expect.set_options(timeout=15_000)

# Chromium as root in a closed network: no sandbox, no background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


class InFlight:
    """The app, counting the requests it is serving, so a test can wait until none is."""

    def __init__(self, app) -> None:
        self.app = app
        self.serving = 0
        self.changed = threading.Condition()

    def __call__(self, environ, start_response):
        with self.changed:
            self.serving += 1
        try:
            return list(self.app(environ, start_response))  # the whole body, inside the count
        finally:
            with self.changed:
                self.serving -= 1
                self.changed.notify_all()

    def wait_until_idle(self, timeout: float = 30) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: self.serving == 0, timeout), "server still busy"


@pytest.fixture(scope="session")
def in_flight(app) -> InFlight:
    return InFlight(app)


@pytest.fixture(autouse=True)
def _server_idle_after_each_test(request) -> Iterator[None]:
    """A closed browser page may leave a request in flight (a late icon or fetch). The next
    test empties the tables first, and on PostgreSQL its TRUNCATE deadlocked with such a
    request's transaction: wait for the server to finish before the next test starts."""
    yield
    if "live_server" in request.fixturenames:
        request.getfixturevalue("in_flight").wait_until_idle()


@pytest.fixture(scope="session")
def live_server(in_flight) -> Iterator[str]:
    """The test app served by a real HTTP server in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, in_flight, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (make browser)")
    if not AXE_SOURCE.exists():
        pytest.skip("axe-core is not installed (make setup runs npm ci)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    launched = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield launched
    launched.close()
    playwright.stop()


@pytest.fixture
def browser_page(browser, live_server):
    """A fresh browser context (own cookies) and page; `page.goto('/path')` is relative."""
    context = browser.new_context(base_url=live_server, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A phone-sized page (375 × 812), for the home-care worker and the relative on the go."""
    context = browser.new_context(
        base_url=live_server,
        locale="da-DK",
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def no_js_page(browser, live_server):
    """A page with JavaScript off: every journey must work without it."""
    context = browser.new_context(base_url=live_server, locale="da-DK", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@functools.cache
def _axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


@functools.cache
def _axe_danish() -> dict | None:
    return json.loads(AXE_DANISH.read_text(encoding="utf-8")) if AXE_DANISH.exists() else None


@functools.cache
def _axe_setup(locale: str) -> str:
    """axe-core, in Danish where asked, and a note of the language it speaks."""
    script = _axe_source()
    if locale == "da" and _axe_danish() is not None:
        script += f";axe.configure({{locale: {json.dumps(_axe_danish())}}})"
    return script + f";window.axeLocale = {json.dumps(locale)};"


def run_axe(page, *, locale: str = "da") -> list[dict]:
    """Run axe-core on the current page; return the WCAG 2.1 A/AA violations.

    axe is injected with page.evaluate, not add_script_tag, which our strict
    Content-Security-Policy would block; once per document (a page updated in place keeps
    it). Only the violations come back: the passes are most of axe's work to hand over.
    """
    # A tap that follows a link returns once the new document has started loading; axe run
    # on a document still being parsed finds no documentElement (CI, stop 23). Wait for it.
    page.wait_for_load_state("load")
    injected = "locale => typeof window.axe === 'object' && window.axeLocale === locale"
    if not page.evaluate(injected, locale):
        page.evaluate(_axe_setup(locale))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']}).then(result => result.violations)",
        WCAG_TAGS,
    )


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '')[:200]}")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible():
    """`assert_accessible(page)`: zero axe-core violations of WCAG 2.1 A and AA."""

    def check(page, *, locale: str = "da") -> None:
        violations = run_axe(page, locale=locale)
        assert not violations, f"WCAG violations on {page.url}:\n{format_violations(violations)}"

    return check


@pytest.fixture
def assert_accessible_without_js(browser, live_server):
    """`assert_accessible_without_js(page)`: axe-core on what a page with JavaScript off shows.

    axe is JavaScript, and a page with JavaScript off runs none (page.evaluate never
    returns there). So the document that page shows is opened again, at the same address
    and with the same stylesheets, in a second page where no page script may load (every
    script request is aborted): what a browser without JavaScript renders. axe is then
    injected there, as in `assert_accessible`.
    """
    shown: dict[str, str] = {}
    replays = []

    def replay_page(locale: str):
        if not replays:
            context = browser.new_context(base_url=live_server)
            # By the path: a script's URL carries its fingerprint (?v=..., asset_fingerprints).
            context.route(
                lambda url: urlsplit(url).path.endswith(".js"), lambda route: route.abort()
            )
            context.route(
                lambda url: url == shown.get("url"),
                lambda route: route.fulfill(
                    status=200, body=shown["html"], content_type="text/html; charset=utf-8"
                ),
            )
            # axe in every document it opens, before anything else: no injection per page.
            context.add_init_script(_axe_setup(locale))
            replays.append(context.new_page())
            replays[0].set_default_timeout(15_000)
        return replays[0]

    def check(page, *, locale: str = "da") -> None:
        page.wait_for_load_state("load")  # the whole document, not one still being parsed
        shown["url"] = page.url.split("#")[0]
        shown["html"] = page.content()
        replay = replay_page(locale)
        replay.goto(shown["url"])
        violations = run_axe(replay, locale=locale)
        assert not violations, (
            f"WCAG violations without JavaScript on {page.url}:\n{format_violations(violations)}"
        )

    yield check
    for replay in replays:
        replay.context.close()


@pytest.fixture
def screenshot():
    """`screenshot(page, "name")` saves test-artifacts/screenshots/name.png (git-ignored)."""

    def take(page, name: str, *, full_page: bool = True) -> Path:
        target = ARTIFACTS / "screenshots" / f"{name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target), full_page=full_page)
        return target

    return take


@pytest.fixture
def sign_in_staff_in_browser():
    """Sign a staff user in through the real login form."""
    from tests.factories import TEST_PASSWORD

    def sign_in(page, staff) -> None:
        page.goto("/log-ind/personale")
        page.get_by_label("Brugernavn").fill(staff.username)
        page.get_by_label("Adgangskode").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Log ind").click()

    return sign_in


@pytest.fixture
def sign_in_citizen_in_browser():
    """Sign a citizen (or relative) in through the demo sign-in page."""

    def sign_in(page, person, *, relative_for=None) -> None:
        page.goto("/log-ind/")
        label = f"Log ind som {person.name}"
        if relative_for is not None:
            label += " (pårørende)"
        page.get_by_role("button", name=label, exact=True).click()
        if relative_for is not None:
            page.get_by_role("button", name=relative_for.name, exact=True).click()

    return sign_in
