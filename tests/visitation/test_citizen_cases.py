"""The citizen and a consenting relative see the outcome of their cases (issue 5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import ConsentScope
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry
from tests.clock import MONDAY
from tests.pages import sign_in_citizen, sign_in_relative, sign_in_staff

pytestmark = pytest.mark.today(MONDAY)


def _decide(page, client, visitator, case):
    service_id = case.citizen.current_decision.granted_services[0].service_id
    sign_in_staff(client, visitator)
    page.post(
        "visitation.change_decision",
        {
            "valid_from": local_today().isoformat(),
            "grants-0-service": str(service_id),
            "grants-0-minutes": "45",
            "grants-0-frequency": "daily",
            "reasons": "Mere tid.",
            "confirmed": "yes",
        },
        case_id=case.id,
    )
    client.cookie_jar.clear() if hasattr(client, "cookie_jar") else None


def test_citizen_sees_outcome_and_reads_the_letter(page, client, factories, visitator, make_case):
    citizen = factories.Citizen(municipality=visitator.municipality)
    factories.GrantedService(decision__citizen=citizen)
    case = make_case(citizen)
    _decide(page, client, visitator, case)
    sign_in_citizen(client, citizen)

    soup = page.get("citizen.cases")

    assert (
        "Vi har truffet en ny afgørelse om din hjælp." in soup.select_one(".app-citizen-cases").text
    )
    link = soup.select("a[href*='/afgoerelser/']")
    assert len(link) == 1
    letter = page.get_url(link[0]["href"])
    assert "Sådan klager du" in letter.select_one("article.app-letter").text


def test_consenting_relative_sees_the_cases_and_the_read_is_audited(
    page, client, factories, visitator, make_case
):
    consent = factories.Consent(
        citizen__municipality=visitator.municipality, scope=ConsentScope.SEE
    )
    make_case(consent.citizen)
    sign_in_relative(client, consent.relative, consent.citizen)

    soup = page.get("citizen.cases")

    assert "Vi ser på, om din hjælp stadig passer" in soup.text
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.purpose == "relative_view"))


def test_relative_without_consent_cannot_see_the_cases(client, factories):
    consent = factories.Consent(valid_from=datetime.now(UTC) + timedelta(days=3))
    sign_in_relative(client, consent.relative, consent.citizen)
    assert client.get("/borger/sager").status_code in (302, 403)


def test_a_citizen_cannot_read_another_citizens_letter(client, factories):
    other = factories.Decision(letter_text="## Afgørelse\n\nHemmelig")
    sign_in_citizen(client, factories.Citizen())
    assert client.get(f"/borger/afgoerelser/{other.id}").status_code == 404
