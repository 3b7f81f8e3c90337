"""Page checks every test gets for free (after GOV.UK Notify's client_request).

`page.get(endpoint)` fetches by endpoint and checks what every page must be:
one <h1>, a lang attribute, no duplicate ids, every input labelled, every form
posting somewhere with a CSRF token.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup
from flask import url_for

from selvvisitation.domain.types import ActorKind


def check_page(html: str) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html is not None and soup.html.get("lang") in ("da", "en"), "missing <html lang>"
    assert len(soup.find_all("h1")) == 1, "a page needs exactly one <h1>"
    assert soup.find("main", id="main-content") is not None, "missing main landmark"
    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    duplicates = [i for i, n in ids.items() if n > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    for field in soup.find_all(["input", "select", "textarea"]):
        if field.get("type") in ("hidden", "submit", "button"):
            continue
        field_id = field.get("id")
        labelled = field_id and soup.find("label", attrs={"for": field_id})
        assert labelled or field.get("aria-label"), f"unlabelled field: {field}"
    for form in soup.find_all("form"):
        assert form.get("action"), f"form without action: {form.get('class')}"
        if (form.get("method") or "get").lower() == "post":
            assert form.find("input", attrs={"name": "csrf_token"}), "POST form without CSRF"
    return soup


@dataclass
class PageClient:
    client: object

    def get(self, endpoint: str, *, expected_status: int = 200, **values: object) -> BeautifulSoup:
        response = self.client.get(url_for(endpoint, **values))
        assert response.status_code == expected_status, response.status_code
        return check_page(response.get_data(as_text=True))

    def get_url(self, url: str, *, expected_status: int = 200) -> BeautifulSoup:
        response = self.client.get(url)
        assert response.status_code == expected_status, response.status_code
        return check_page(response.get_data(as_text=True))

    def post(
        self,
        endpoint: str,
        data: dict | None = None,
        *,
        expected_status: int = 302,
        **values: object,
    ):
        """Post a form with a valid CSRF token and, on the citizen side, the id of the
        citizen acted for (as every rendered form carries it: security.acting_for);
        return the response."""
        data = dict(data or {})
        data.setdefault("csrf_token", csrf_token(self.client))
        acting_for = citizen_acted_for(self.client)
        if acting_for is not None:
            data.setdefault("citizen", str(acting_for))
        response = self.client.post(url_for(endpoint, **values), data=data)
        assert response.status_code == expected_status, (
            response.status_code,
            response.get_data(as_text=True)[:2000],
        )
        return response


def csrf_token(client) -> str:
    """A valid CSRF token for this client's session, made as Flask-WTF makes it."""
    import hashlib
    import os

    from itsdangerous import URLSafeTimedSerializer

    with client.session_transaction() as session:
        if "csrf_token" not in session:
            session["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
        raw = session["csrf_token"]
    return URLSafeTimedSerializer(client.application.secret_key, salt="wtf-csrf-token").dumps(raw)


def citizen_acted_for(client) -> int | None:
    """The id of the citizen the client's session acts for: the citizen signed in, or
    the one a relative chose; None for staff and anyone not signed in."""
    with client.session_transaction() as session:
        kind = session.get("actor_kind")
        if kind == ActorKind.CITIZEN.value:
            return session.get("actor_id")
        if kind == ActorKind.RELATIVE.value:
            return session.get("subject_id")
    return None


def _fresh_session(session) -> None:
    """What security.access.sign_in puts in every new session: an id and a time stamp."""
    import secrets
    from datetime import UTC, datetime

    session["sid"] = secrets.token_urlsafe(24)
    session["last_seen"] = datetime.now(UTC).timestamp()


def sign_in_staff(client, staff) -> None:
    with client.session_transaction() as session:
        _fresh_session(session)
        session["actor_kind"] = ActorKind.STAFF.value
        session["actor_id"] = staff.id
        session["nonce"] = staff.session_nonce


def sign_in_citizen(client, citizen) -> None:
    with client.session_transaction() as session:
        _fresh_session(session)
        session["actor_kind"] = ActorKind.CITIZEN.value
        session["actor_id"] = citizen.id


def sign_in_relative(client, relative, citizen=None) -> None:
    with client.session_transaction() as session:
        _fresh_session(session)
        session["actor_kind"] = ActorKind.RELATIVE.value
        session["actor_id"] = relative.id
        if citizen is not None:
            session["subject_id"] = citizen.id


@pytest.fixture
def page(client) -> PageClient:
    return PageClient(client)
