"""Secrets, cookies, headers, CSRF and the demo sign-in (issue 6; OWASP ASVS 3.4, 14.4)."""

from __future__ import annotations

import stat

import pytest
from bs4 import BeautifulSoup
from flask import url_for

from selvvisitation import config as config_module
from selvvisitation import create_app
from selvvisitation.config import Config
from tests.pages import sign_in_citizen


def test_a_secret_key_is_generated_on_first_run_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config_module, "INSTANCE_DIR", tmp_path / "instance")
    first = config_module._secret_key()
    assert len(first) == 64 and int(first, 16)
    assert config_module._secret_key() == first  # kept across restarts
    key_file = tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_two_installations_get_different_secret_keys(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    keys = set()
    for name in ("a", "b"):
        monkeypatch.setattr(config_module, "INSTANCE_DIR", tmp_path / name)
        keys.add(config_module._secret_key())
    assert len(keys) == 2


def test_a_given_secret_key_is_used_as_is(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert Config().SECRET_KEY == "from-the-environment"


def test_production_cookies_are_secure_http_only_and_same_site(monkeypatch):
    for name in ("SESSION_COOKIE_SECURE", "SELVVISITATION_DEMO"):
        monkeypatch.delenv(name, raising=False)
    config = Config()
    assert config.SESSION_COOKIE_SECURE is True
    assert config.SESSION_COOKIE_HTTPONLY is True
    assert config.SESSION_COOKIE_SAMESITE == "Lax"
    assert config.DEMO_MODE is False
    assert config.PERMANENT_SESSION_LIFETIME <= 1800


@pytest.fixture
def production_app(monkeypatch):
    """The production configuration on the test database."""
    import os

    for name in ("SESSION_COOKIE_SECURE", "SELVVISITATION_DEMO"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", os.environ["TEST_DATABASE_URL"])
    return create_app("production")


def test_the_production_cookie_carries_secure_httponly_and_samesite(production_app, factories):
    from tests.factories import TEST_PASSWORD

    staff = factories.StaffUser()
    client = production_app.test_client()
    form = client.get("/log-ind/personale", base_url="https://localhost")
    token = BeautifulSoup(form.get_data(as_text=True), "html.parser").select_one(
        "input[name=csrf_token]"
    )["value"]
    response = client.post(
        "/log-ind/personale",
        data={"username": staff.username, "password": TEST_PASSWORD, "csrf_token": token},
        base_url="https://localhost",
        # Over https Flask-WTF also checks that the post came from our own pages.
        headers={"Referer": "https://localhost/log-ind/personale"},
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_demo_sign_in_does_not_exist_outside_demo_mode(production_app, factories):
    citizen = factories.Citizen()
    client = production_app.test_client()
    page = client.get("/log-ind/", base_url="https://localhost")
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    assert soup.select_one(".app-demo-people") is None
    token = soup.select_one("input[name=csrf_token]")["value"]  # the language switch's
    response = client.post(
        "/log-ind/demo",
        data={"person": f"citizen:{citizen.id}", "csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/log-ind/"},
    )
    assert response.status_code == 404
    assert citizen.name not in page.get_data(as_text=True)
    assert "actor_id" not in (response.headers.get("Set-Cookie") or "")


def test_the_demo_sign_in_lists_made_up_people_in_demo_mode(page, factories):
    citizen = factories.Citizen()
    soup = page.get("auth.citizen_login")
    assert soup.select_one(".app-demo-notice")
    assert citizen.name in soup.select_one(".app-demo-people").get_text()


def test_a_post_without_a_csrf_token_gets_the_friendly_400_page(client, factories):
    staff = factories.StaffUser()
    response = client.post(
        url_for("auth.staff_login"), data={"username": staff.username, "password": "x"}
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.h1.get_text(strip=True)
    assert "Traceback" not in soup.get_text()
    assert soup.select_one("main a[href='/']")


def test_a_post_with_a_forged_csrf_token_is_refused(client):
    response = client.post(url_for("public.set_language"), data={"lang": "en", "csrf_token": "x"})
    assert response.status_code == 400


def test_csrf_protection_is_on_in_every_configuration():
    assert config_module.TestConfig().WTF_CSRF_ENABLED is True
    assert getattr(Config(), "WTF_CSRF_ENABLED", True) is True


EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@pytest.mark.parametrize("endpoint", ["public.index", "auth.citizen_login", "auth.staff_login"])
def test_every_page_sends_the_security_headers(client, endpoint):
    response = client.get(url_for(endpoint))
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers[name] == value, name
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_the_content_security_policy_allows_no_inline_script_or_style(client):
    policy = client.get(url_for("public.index")).headers["Content-Security-Policy"]
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in policy.split(";"))
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in policy and "*" not in policy


def test_error_pages_carry_the_headers_too(client):
    response = client.get("/findes-ikke")
    assert response.status_code == 404
    assert response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_the_production_session_cookie_is_named_host_and_plain_http_keeps_a_plain_name(
    monkeypatch,
):
    """Issue 15, Low 13 (ASVS V3.4.4): `__Host-` binds the cookie to our host over HTTPS;
    browsers refuse the prefix over plain http, so the demo and the tests keep a plain name."""
    for name in ("SESSION_COOKIE_SECURE", "SELVVISITATION_DEMO"):
        monkeypatch.delenv(name, raising=False)
    assert Config().SESSION_COOKIE_NAME.startswith("__Host-")
    assert not config_module.DemoConfig().SESSION_COOKIE_NAME.startswith("__Host-")
    assert not config_module.TestConfig().SESSION_COOKIE_NAME.startswith("__Host-")


def test_the_production_sign_in_sets_a_host_cookie_for_path_slash_without_a_domain(
    production_app, factories
):
    from tests.factories import TEST_PASSWORD

    staff = factories.StaffUser()
    client = production_app.test_client()
    form = client.get("/log-ind/personale", base_url="https://localhost")
    token = BeautifulSoup(form.get_data(as_text=True), "html.parser").select_one(
        "input[name=csrf_token]"
    )["value"]
    response = client.post(
        "/log-ind/personale",
        data={"username": staff.username, "password": TEST_PASSWORD, "csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/log-ind/personale"},
    )
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-selvvisitation=")
    assert "Path=/;" in cookie + ";" and "Domain" not in cookie and "Secure" in cookie


def test_a_json_answer_with_a_citizens_conversation_is_never_cached(client, factories):
    """Issue 15, Low 13 (ASVS V8.2.1): not only HTML pages; the dialogue's JSON holds her
    words, and so do the JSON download and the PDF letters."""
    citizen = factories.Citizen()
    sign_in_citizen(client, citizen)
    response = client.get(url_for("citizen.conversation"), headers={"X-Requested-With": "fetch"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    public_json = client.get(url_for("api.catalogue", code=citizen.municipality.code))
    assert public_json.headers["Cache-Control"] == "no-store"


def test_our_static_files_may_still_be_cached(client):
    response = client.get(url_for("static", filename="app/site.css"))
    assert response.status_code == 200
    assert "no-store" not in (response.headers.get("Cache-Control") or "")
