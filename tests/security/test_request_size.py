"""Requests have a size limit (issue 15, Medium 7; ASVS 4.0.3 V12.1.1, V13.1.3).

The whole body: MAX_CONTENT_LENGTH (a setting, 1 MB by default), answered 413 with our
own Danish page before the body is read (so before the CSRF check parses it). Each text
field: at most forms.FIELD_LIMIT characters, whatever its own limit says.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select

from selvvisitation.config import Config
from selvvisitation.extensions import db
from selvvisitation.models import FailedSignIn, StaffUser
from tests.pages import check_page, csrf_token

MB = 1024 * 1024
FIELD_LIMIT = 10_000  # forms.FIELD_LIMIT


def test_the_body_limit_is_one_megabyte_by_default(monkeypatch):
    monkeypatch.delenv("MAX_CONTENT_LENGTH", raising=False)
    assert Config().MAX_CONTENT_LENGTH == MB
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "2048")
    assert Config().MAX_CONTENT_LENGTH == 2048


def test_a_30_mb_post_gets_413_and_our_own_danish_page(app, client):
    assert app.config["MAX_CONTENT_LENGTH"] == MB
    response = client.post(
        url_for("auth.staff_login"),
        data=b"username=" + b"x" * (30 * MB),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    page = check_page(response.get_data(as_text=True))
    assert page.h1.get_text(strip=True) == "Det, du sendte, er for stort"
    assert "Content-Security-Policy" in response.headers  # our page, with our headers


def test_a_body_just_over_the_limit_is_refused_before_the_csrf_check(client):
    """No CSRF token at all: the size is what is answered, the body never parsed."""
    response = client.post(
        url_for("public.set_language"),
        data=b"lang=en&next=/" + b"a" * MB,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413


def test_a_multipart_body_over_the_limit_is_refused_too(client):
    response = client.post(
        url_for("auth.staff_login"),
        data={"username": "x" * (MB + 1), "csrf_token": csrf_token(client)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413


def test_a_text_field_longer_than_the_field_limit_is_refused_in_danish(client, factories):
    """The staff sign-in's hidden `next` has no limit of its own; the general one holds."""
    staff = factories.StaffUser()
    db.session.commit()
    response = client.post(
        url_for("auth.staff_login"),
        data={
            "username": staff.username,
            "password": "forkert-kodeord-123",
            "next": "/" + "a" * FIELD_LIMIT,
            "csrf_token": csrf_token(client),
        },
    )
    page = check_page(response.get_data(as_text=True))
    assert "Skriv højst 10000 tegn" in page.select_one(".alert-error").get_text(" ")
    # Refused before anything was checked or counted.
    assert db.session.scalar(select(func.count()).select_from(FailedSignIn)) == 0
    assert db.session.get(StaffUser, staff.id).failed_logins == 0
