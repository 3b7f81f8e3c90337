"""Pages for everyone: start page, error pages in the same look, security headers."""

from selvvisitation.security.headers import CONTENT_SECURITY_POLICY


def test_the_start_page_offers_citizens_and_staff_a_way_in(page):
    soup = page.get("public.index")
    links = {a.get_text(strip=True): a["href"] for a in soup.select("main a.button")}
    assert links["Gå til min hjælp"] == "/borger/"
    assert links["Log ind for medarbejdere"] == "/log-ind/personale"


def test_the_layout_has_skip_link_main_landmark_and_accessibility_statement(page, factories):
    factories.Municipality(name="Testby Kommune", visitation_phone="70 10 20 30")
    soup = page.get("public.index")
    assert soup.select_one("a.skipnav")["href"] == "#main-content"
    assert soup.select_one("header .app-brand-name").get_text(strip=True) == "Testby Kommune"
    footer = soup.select_one("footer")
    assert "70 10 20 30" in footer.get_text()
    # Our own page, which links to the statement in WAS-Tool (tests/access/test_help_pages.py).
    assert footer.find("a", string="Tilgængelighedserklæring")["href"] == "/tilgaengelighed"


def test_an_unknown_page_gets_a_plain_danish_404(client):
    response = client.get("/findes-ikke")
    assert response.status_code == 404
    assert "Siden blev ikke fundet" in response.get_data(as_text=True)


def test_a_post_without_csrf_token_gets_a_friendly_page_not_a_stack_trace(client):
    response = client.post("/sprog", data={"lang": "en"})
    assert response.status_code == 400
    assert "af hensyn til din sikkerhed" in response.get_data(as_text=True)


def test_a_staff_page_sends_anonymous_visitors_to_the_staff_sign_in(client):
    response = client.get("/visitation/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/log-ind/personale")


def test_a_citizen_page_sends_anonymous_visitors_to_the_citizen_sign_in(client):
    response = client.get("/borger/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/log-ind/")


def test_every_response_carries_the_security_headers(client):
    response = client.get("/")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_health_check_says_nothing_about_anyone(client):
    assert client.get("/sundhed").get_json() == {"status": "ok"}


def test_the_demo_sign_in_lists_citizens_and_relatives_with_valid_markup(page, factories):
    """One form per person; the page must still have no duplicate ids (checked by page.get)."""
    consent = factories.Consent()
    soup = page.get("auth.citizen_login")
    buttons = [b.get_text(strip=True) for b in soup.select(".app-demo-people button")]
    assert f"Log ind som {consent.citizen.name}" in buttons
    assert f"Log ind som {consent.relative.name} (pårørende)" in buttons
