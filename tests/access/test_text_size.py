"""The "Større tekst" switch and the citizen's 18 px text (issue 12 item 8; WCAG 1.4.4).

The switch is a form post, so it works without JavaScript; it is kept in the session,
across signing in and out like the language, and its state is in aria-pressed.
"""

from __future__ import annotations

from flask import url_for

from selvvisitation.domain.types import StaffRole
from tests.pages import check_page, csrf_token, sign_in_citizen, sign_in_staff


def _switch(soup):
    return soup.select_one("form.app-text-size button[aria-pressed]")


def _html_classes(soup) -> list[str]:
    return soup.html.get("class") or []


def test_the_switch_turns_larger_text_on_and_off_and_keeps_it_from_page_to_page(client):
    soup = check_page(client.get("/").get_data(as_text=True))
    assert _switch(soup).get_text(strip=True) == "Større tekst"
    assert _switch(soup)["aria-pressed"] == "false"
    assert "app-large-text" not in _html_classes(soup)

    response = client.post(
        url_for("public.set_text_size"),
        data={"large": "on", "next": "/log-ind/", "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302 and response.location == "/log-ind/"
    soup = check_page(client.get("/log-ind/").get_data(as_text=True))
    assert _switch(soup)["aria-pressed"] == "true"
    assert "app-large-text" in _html_classes(soup)

    client.post(
        url_for("public.set_text_size"), data={"large": "off", "csrf_token": csrf_token(client)}
    )
    soup = check_page(client.get("/").get_data(as_text=True))
    assert _switch(soup)["aria-pressed"] == "false"
    assert "app-large-text" not in _html_classes(soup)


def test_the_larger_text_is_kept_when_the_citizen_signs_in_and_out(client, factories):
    citizen = factories.Citizen()
    client.post(
        url_for("public.set_text_size"), data={"large": "on", "csrf_token": csrf_token(client)}
    )
    sign_in_citizen(client, citizen)
    assert "app-large-text" in _html_classes(check_page(client.get("/borger/").text))
    client.post(url_for("auth.logout"), data={"csrf_token": csrf_token(client)})
    assert "app-large-text" in _html_classes(check_page(client.get("/").text))


def test_the_switch_sends_no_one_to_another_site(client):
    response = client.post(
        url_for("public.set_text_size"),
        data={"large": "on", "next": "//evil.example", "csrf_token": csrf_token(client)},
    )
    assert response.location == "/"


def test_citizen_pages_use_the_18_px_text_and_staff_pages_keep_16_px(client, factories):
    """Issue 12 item 8: "Citizen pages use 18 px body text"; the class sets it (site.css)."""
    assert "app-citizen-side" in _html_classes(check_page(client.get("/").text))
    staff = factories.StaffUser(role=StaffRole.VISITATOR)
    sign_in_staff(client, staff)
    soup = check_page(client.get("/visitation/").text)
    assert "app-citizen-side" not in _html_classes(soup)
    assert _switch(soup) is not None  # staff may want larger text too
