"""MitID sign-in over OpenID Connect, against a local test provider (issue 6 "Sign-in")."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
import requests
from flask import url_for

from selvvisitation.extensions import db
from tests.security.oidc_provider import TestProvider


@pytest.fixture
def provider(app, monkeypatch):
    with TestProvider() as running:
        monkeypatch.setitem(app.config, "OIDC_ISSUER", running.issuer)
        monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", running.client_id)
        monkeypatch.setitem(app.config, "OIDC_CLIENT_SECRET", running.client_secret)
        yield running


def _sign_in_with_mitid(client, provider, claims: dict):
    """Follow the real redirects: our app -> provider -> our callback."""
    provider.claims = claims
    start = client.get(url_for("auth.oidc_start"))
    assert start.status_code == 302
    authorize = start.headers["Location"]
    assert authorize.startswith(provider.issuer + "/authorize")
    back = requests.get(authorize, allow_redirects=False, timeout=10)
    assert back.status_code == 302
    callback = urlparse(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_a_citizen_signs_in_by_cpr_and_is_linked_to_the_subject(client, provider, factories):
    citizen = factories.Citizen()
    claims = {"sub": "pairwise-abc", "dk:gov:saml:attribute:CprNumberIdentifier": citizen.cpr}
    response = _sign_in_with_mitid(client, provider, claims)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url_for("citizen.index"))
    assert client.get(url_for("citizen.index")).status_code == 200
    db.session.refresh(citizen)
    assert citizen.oidc_subject == "pairwise-abc"


def test_a_known_subject_signs_in_without_a_cpr_claim(client, provider, factories):
    citizen = factories.Citizen(oidc_subject="pairwise-known")
    response = _sign_in_with_mitid(client, provider, {"sub": "pairwise-known"})
    assert response.headers["Location"].endswith(url_for("citizen.index"))
    with client.session_transaction() as session:
        assert session["actor_id"] == citizen.id and session["actor_kind"] == "citizen"


def test_a_relative_signs_in_and_chooses_whose_help_to_see(client, provider, factories):
    consent = factories.Consent()
    consent.relative.cpr = "0202451234"
    db.session.commit()
    response = _sign_in_with_mitid(client, provider, {"sub": "rel-1", "cpr": "020245-1234"})
    assert response.headers["Location"].endswith(url_for("auth.choose_citizen"))
    assert client.get(url_for("auth.choose_citizen")).status_code == 200


def test_an_unknown_person_is_told_so_and_not_signed_in(client, provider, factories):
    factories.Citizen()
    response = _sign_in_with_mitid(client, provider, {"sub": "stranger", "cpr": "0303459999"})
    assert response.status_code == 403
    assert client.get(url_for("citizen.index")).status_code == 302


def test_a_token_signed_with_another_key_is_refused(client, provider, factories):
    citizen = factories.Citizen()
    provider.tamper = True
    response = _sign_in_with_mitid(client, provider, {"sub": "x", "cpr": citizen.cpr})
    assert response.headers["Location"].endswith(url_for("auth.citizen_login"))
    assert client.get(url_for("citizen.index")).status_code == 302


def test_a_callback_with_a_forged_state_is_refused(client, provider, factories):
    client.get(url_for("auth.oidc_start"))
    response = client.get(url_for("auth.oidc_callback", code="made-up", state="forged"))
    assert response.headers["Location"].endswith(url_for("auth.citizen_login"))
    assert client.get(url_for("citizen.index")).status_code == 302


def test_the_login_page_offers_mitid_when_configured(page, provider):
    soup = page.get("auth.citizen_login")
    assert soup.select_one(f"a[href='{url_for('auth.oidc_start')}']")


def test_mitid_routes_do_not_exist_without_configuration(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "")
    assert client.get(url_for("auth.oidc_start")).status_code == 404
    assert client.get(url_for("auth.oidc_callback")).status_code == 404


def test_new_client_credentials_at_the_same_broker_address_are_used(
    client, app, provider, factories, monkeypatch
):
    """The broker's address can stay while its client secret changes (a rotated secret,
    or in these tests a new provider on a reused port): the old secret must not linger."""
    citizen = factories.Citizen(oidc_subject="pairwise-rotated")
    first = _sign_in_with_mitid(client, provider, {"sub": "pairwise-rotated"})
    assert first.headers["Location"].endswith(url_for("citizen.index"))

    provider.client_secret = "rotated-" + provider.client_secret
    monkeypatch.setitem(app.config, "OIDC_CLIENT_SECRET", provider.client_secret)
    with client.session_transaction() as session:
        session.clear()
    second = _sign_in_with_mitid(client, provider, {"sub": "pairwise-rotated"})
    assert second.headers["Location"].endswith(url_for("citizen.index"))
    with client.session_transaction() as session:
        assert session["actor_id"] == citizen.id
