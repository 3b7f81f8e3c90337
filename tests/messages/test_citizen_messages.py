"""The citizen's messages (issue 14): a thread with the visitation and one with her team,
written by the citizen or a relative with consent ("på vegne af"), plain text up to
2,000 characters, every read audited, and on every page the phone numbers, because an
emergency is not a message (seed 000: "straks – pr. telefon")."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from selvvisitation.domain.types import ActorKind, ConsentScope
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, MessageThread, ThreadMessage
from tests.messages.helpers import message_scene
from tests.pages import csrf_token, sign_in_citizen, sign_in_relative, sign_in_staff


def message_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ThreadMessage))


def urgent_numbers(soup) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select(".app-urgent a[href^='tel:']")]


def test_the_citizen_sees_her_two_threads_and_the_phone_numbers(client, page, factories):
    scene = message_scene(factories)
    sign_in_citizen(client, scene.citizen)
    soup = page.get("citizen.messages")
    assert soup.h1.get_text(strip=True) == "Beskeder"
    assert [h.get_text(strip=True) for h in soup.select(".app-threads h2")] == [
        "Visitationen",
        "Team Nord",
    ]
    # Seed 000: what cannot wait is phoned in; the visitation's and the team's numbers.
    assert soup.select_one(".app-urgent h2").get_text(strip=True) == (
        "Haster det? Så skriv ikke – ring"
    )
    assert urgent_numbers(soup) == ["70 10 20 30", "76 16 50 00"]
    assert "112" in soup.select_one(".app-urgent").get_text()


def test_the_front_page_and_the_menu_lead_to_the_messages(client, page, factories):
    scene = message_scene(factories)
    sign_in_citizen(client, scene.citizen)
    soup = page.get("citizen.index")
    assert soup.select_one(".app-nav a[href='/borger/beskeder']").get_text(strip=True) == (
        "Beskeder"
    )


def test_a_citizen_without_a_team_writes_only_to_the_visitation(client, page, factories):
    scene = message_scene(factories)
    scene.citizen.team = None
    scene.citizen.provider = None
    db.session.commit()
    sign_in_citizen(client, scene.citizen)
    soup = page.get("citizen.messages")
    assert [h.get_text(strip=True) for h in soup.select(".app-threads h2")] == ["Visitationen"]
    page.get("citizen.message_thread", party="team", expected_status=404)
    response = client.post(
        "/borger/beskeder/team",
        data={"csrf_token": csrf_token(client), "citizen": scene.citizen.id, "text": "Hej"},
    )
    assert response.status_code == 404
    assert message_count() == 0


def test_a_relative_writes_on_behalf_of_the_citizen_and_sees_when_the_answer_is_due(
    client, page, factories
):
    scene = message_scene(factories)
    sign_in_relative(client, scene.relative, scene.citizen)
    response = page.post(
        "citizen.write", {"text": "Kan I komme lidt senere på torsdag?"}, party="team"
    )
    assert response.location.endswith("/borger/beskeder/team/sendt")
    message = db.session.scalars(select(ThreadMessage)).one()
    assert (message.author_kind, message.author_relative_id, message.author_name) == (
        ActorKind.RELATIVE,
        scene.relative.id,
        "Mette Jensen",
    )
    sent = page.get_url(response.location)
    assert sent.h1.get_text(strip=True) == "Din besked er sendt"
    assert "senest" in sent.select_one(".app-next-steps").get_text()
    thread = page.get("citizen.message_thread", party="team")
    assert thread.select_one(".app-message-author").get_text(strip=True) == (
        "Mette Jensen på vegne af Inger Jensen"
    )
    assert thread.select_one(".app-message-text").get_text() == (
        "Kan I komme lidt senere på torsdag?"
    )
    # The relative's writing and reading are both in the citizen's log.
    entries = db.session.execute(
        select(AuditEntry.action, AuditEntry.object_type, AuditEntry.purpose).where(
            AuditEntry.actor_relative_id == scene.relative.id
        )
    ).all()
    assert ("create", "message", "on_behalf_of_citizen") in entries
    assert ("read", "message_thread", "relative_view") in entries


def test_a_relative_who_may_only_see_reads_but_cannot_write(client, page, factories):
    """002 sections 10 and 16: the consent is scoped to what was asked for."""
    scene = message_scene(factories, scope=ConsentScope.SEE)
    sign_in_relative(client, scene.relative, scene.citizen)
    soup = page.get("citizen.message_thread", party="visitation")
    assert soup.select("textarea") == []
    response = client.post(
        "/borger/beskeder/visitation", data={"csrf_token": csrf_token(client), "text": "Hej"}
    )
    assert response.status_code == 403
    assert message_count() == 0


def test_a_relative_without_consent_sees_nothing(client, page, factories):
    scene = message_scene(factories)
    stranger = factories.Relative(name="Fremmed")
    sign_in_relative(client, stranger, scene.citizen)
    assert client.get("/borger/beskeder").status_code == 403
    assert client.get("/borger/beskeder/team").status_code == 403


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "Skriv din besked"),
        ("   \n ", "Skriv din besked"),
        ("a" * 2001, "Skriv højst 2000 tegn"),
        ("Hej\x00", "Fjern det ugyldige tegn"),
    ],
)
def test_a_bad_message_gets_a_danish_error_and_nothing_is_written(
    client, page, factories, text, error
):
    scene = message_scene(factories)
    sign_in_citizen(client, scene.citizen)
    response = page.post("citizen.write", {"text": text}, party="visitation", expected_status=400)
    soup = page_soup(response)
    assert soup.title.get_text().startswith("Fejl: ")
    assert soup.select_one(".form-error-message, .form-error .form-error-message") is not None
    assert error in soup.select_one(".form-error").get_text()
    assert message_count() == 0
    assert db.session.scalar(select(func.count()).select_from(MessageThread)) == 0


def page_soup(response):
    from tests.pages import check_page

    return check_page(response.get_data(as_text=True))


def test_2000_characters_with_line_breaks_are_accepted(client, page, factories):
    scene = message_scene(factories)
    sign_in_citizen(client, scene.citizen)
    text = ("a" * 99 + "\r\n") * 20  # 2,020 as sent, 2,000 as read (the last break trimmed)
    page.post("citizen.write", {"text": text}, party="visitation")
    assert len(db.session.scalars(select(ThreadMessage.text)).one()) == 1999


def test_an_unknown_party_is_not_found(client, page, factories):
    scene = message_scene(factories)
    sign_in_citizen(client, scene.citizen)
    page.get("citizen.message_thread", party="kommunen", expected_status=404)


def test_the_front_page_links_to_the_messages(client, page, factories):
    scene = message_scene(factories)
    sign_in_citizen(client, scene.citizen)
    soup = page.get("citizen.index")
    link = soup.select_one("#main-content a[href='/borger/beskeder']")
    assert link.get_text(strip=True) == "Skriv til visitationen eller dit hjemmeplejeteam"


def test_the_administrator_sets_the_teams_phone_number_shown_on_the_message_pages(
    client, page, factories
):
    from selvvisitation.domain.types import StaffRole

    scene = message_scene(factories)
    admin = factories.StaffUser(
        role=StaffRole.MUNICIPALITY_ADMIN, municipality=scene.citizen.municipality
    )
    sign_in_staff(client, admin)
    page.post(
        "admin.edit_team",
        {"name": "Team Nord", "phone": " 76 16 99 99 "},
        team_id=scene.citizen.team_id,
    )
    sign_in_citizen(client, scene.citizen)
    assert urgent_numbers(page.get("citizen.messages")) == ["70 10 20 30", "76 16 99 99"]
