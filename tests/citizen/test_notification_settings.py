"""/borger/underretninger: each person chooses her own channel and news (issue 14)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from selvvisitation.domain.notifications import Channel
from selvvisitation.domain.types import ConsentScope
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, NotificationPreference
from tests.clock import MONDAY
from tests.pages import sign_in_citizen, sign_in_relative

pytestmark = pytest.mark.today(MONDAY)


def _preferences() -> list[NotificationPreference]:
    return list(db.session.scalars(select(NotificationPreference)))


def _errors(soup) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select(".alert-error li a")]


def test_the_front_page_links_to_the_settings(page, factories):
    citizen = factories.Citizen()
    sign_in_citizen(page.client, citizen)
    soup = page.get("citizen.index")
    assert soup.select_one("a[href='/borger/underretninger']") is not None


def test_a_new_citizen_sees_nothing_chosen_and_the_usual_news_ticked(page, factories):
    citizen = factories.Citizen(email="inger@example.dk")
    sign_in_citizen(page.client, citizen)
    soup = page.get("citizen.notifications")
    assert soup.select_one("input[name=channel][value=none]").has_attr("checked")
    assert soup.select_one("input[name=email]")["value"] == "inger@example.dk"
    ticked = {box["value"] for box in soup.select("input[name=topics][checked]")}
    assert "answers" in ticked and "visit_carried_out" not in ticked
    # Digital Post reaches the citizen by her CPR number, which she has.
    assert soup.select_one("input[name=channel][value=digital_post]") is not None


def test_the_citizen_chooses_sms_and_her_number_is_stored_in_one_form(page, factories):
    citizen = factories.Citizen()
    sign_in_citizen(page.client, citizen)
    response = page.post(
        "citizen.notifications",
        {"channel": "sms", "mobile": "20 30 40 50", "topics": ["answers", "letters"]},
    )
    assert response.headers["Location"].endswith("/borger/underretninger")
    (saved,) = _preferences()
    assert (saved.channel, saved.mobile, saved.topics, saved.relative_id) == (
        Channel.SMS,
        "+4520304050",
        ["answers", "letters"],
        None,
    )
    assert saved.language == "da"
    soup = page.get("citizen.notifications")
    assert "Dine valg er gemt." in soup.select_one(".app-flash").get_text()
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "notification_preference")
    ).one()
    assert entry.action == "update" and entry.citizen_id == citizen.id


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"channel": "email", "email": "", "topics": ["answers"]}, "Skriv din e-mailadresse"),
        (
            {"channel": "email", "email": "inger(at)example.dk", "topics": ["answers"]},
            "Skriv e-mailadressen sådan her: navn@eksempel.dk",
        ),
        ({"channel": "sms", "mobile": "", "topics": ["answers"]}, "Skriv dit mobilnummer"),
        (
            {"channel": "sms", "mobile": "1234", "topics": ["answers"]},
            "Skriv et dansk mobilnummer med 8 cifre, for eksempel 20 30 40 50",
        ),
        ({"channel": "sms", "mobile": "20304050"}, "Vælg mindst én slags nyt"),
        ({"channel": "brevdue", "topics": ["answers"]}, "Vælg, hvordan du vil have besked"),
        ({"topics": ["answers"]}, "Vælg, hvordan du vil have besked"),
    ],
)
def test_bad_input_gets_a_plain_danish_message_and_nothing_is_written(
    page, factories, form, message
):
    citizen = factories.Citizen()
    sign_in_citizen(page.client, citizen)
    response = page.post("citizen.notifications", form, expected_status=200)
    from tests.pages import check_page

    soup = check_page(response.get_data(as_text=True))
    assert message in _errors(soup)
    assert soup.title.get_text().startswith("Fejl: ")
    assert _preferences() == []
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_a_relative_sets_her_own_choices_not_the_citizens(page, factories):
    consent = factories.Consent(scope=ConsentScope.SEE)
    citizen, relative = consent.citizen, consent.relative
    sign_in_relative(page.client, relative, citizen)
    soup = page.get("citizen.notifications")
    assert "Det er dine egne valg" in soup.select_one(".app-on-behalf").get_text()
    # "Your relative acted for you" is the citizen's news only; a relative without a CPR
    # number given cannot be reached by Digital Post.
    offered = {box["value"] for box in soup.select("input[name=topics]")}
    assert "relative_acted" not in offered
    assert soup.select_one("input[name=channel][value=digital_post]") is None
    page.post(
        "citizen.notifications",
        {"channel": "email", "email": "datter@example.dk", "topics": ["visit_carried_out"]},
    )
    (saved,) = _preferences()
    assert (saved.citizen_id, saved.relative_id, saved.email) == (
        citizen.id,
        relative.id,
        "datter@example.dk",
    )


def test_a_relative_cannot_choose_the_citizens_only_news(page, factories):
    consent = factories.Consent()
    sign_in_relative(page.client, consent.relative, consent.citizen)
    page.post(
        "citizen.notifications",
        {"channel": "email", "email": "d@example.dk", "topics": ["relative_acted", "answers"]},
    )
    (saved,) = _preferences()
    assert saved.topics == ["answers"]


def test_a_relative_whose_consent_is_revoked_is_refused(page, factories):
    from datetime import UTC, datetime, timedelta

    consent = factories.Consent(revoked_at=datetime.now(UTC) - timedelta(hours=1))
    sign_in_relative(page.client, consent.relative, consent.citizen)
    response = page.client.get("/borger/underretninger")
    assert response.status_code == 403


def test_changing_the_choice_updates_the_one_row(page, factories):
    citizen = factories.Citizen()
    sign_in_citizen(page.client, citizen)
    page.post(
        "citizen.notifications", {"channel": "sms", "mobile": "20304050", "topics": ["answers"]}
    )
    page.post("citizen.notifications", {"channel": "none"})
    (saved,) = _preferences()
    assert saved.channel == Channel.NONE
