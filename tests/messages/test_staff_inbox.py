"""The staff inbox (issue 14): unread counts, the reply deadline (a per-municipality
setting, default 1 working day, counted in hverdage as 002 counts deadlines), overdue in
text, the reply, and the handover between the team and the visitation."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import func, select

from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, MessageThread, ThreadMessage
from tests.messages.helpers import message_scene
from tests.pages import (
    check_page,
    csrf_token,
    sign_in_citizen,
    sign_in_relative,
    sign_in_staff,
)

# Friday 4 December 2026, 10:00 in Copenhagen.
FRIDAY = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


def relative_writes(client, page, scene, party="team", text="Kan I komme senere på torsdag?"):
    sign_in_relative(client, scene.relative, scene.citizen)
    page.post("citizen.write", {"text": text}, party=party)


def inbox_rows(soup) -> list[str]:
    return [" ".join(li.get_text(" ", strip=True).split()) for li in soup.select(".app-inbox > li")]


def test_the_team_sees_the_unread_message_and_the_deadline_in_its_inbox_and_menu(
    client, page, factories
):
    with time_machine.travel(FRIDAY, tick=False):
        scene = message_scene(factories)
        relative_writes(client, page, scene)
        sign_in_staff(client, scene.worker)
        soup = page.get("staff.message_inbox")
        assert inbox_rows(soup) == [
            "Inger Jensen 1 ulæst besked Svar senest mandag 7. december 2026"
        ]
        assert soup.select_one(".app-nav a[href='/personale/beskeder']").get_text(strip=True) == (
            "Beskeder (1 ulæst)"
        )


def test_an_unanswered_message_is_marked_overdue_in_text_after_its_day(client, page, factories):
    with time_machine.travel(FRIDAY, tick=False):
        scene = message_scene(factories)
        relative_writes(client, page, scene)
    with time_machine.travel(TUESDAY, tick=False):
        sign_in_staff(client, scene.leader)
        soup = page.get("staff.message_inbox")
        overdue = soup.select_one(".app-inbox .app-overdue").get_text(strip=True)
        assert overdue == "Over fristen: svaret skulle være givet senest mandag 7. december 2026"


def test_the_deadline_follows_the_municipalitys_setting(client, page, factories):
    with time_machine.travel(FRIDAY, tick=False):
        scene = message_scene(factories)
        scene.citizen.municipality.policy.message_reply_working_days = 3
        db.session.commit()
        relative_writes(client, page, scene)
        sign_in_staff(client, scene.worker)
        soup = page.get("staff.message_inbox")
        assert "Svar senest onsdag 9. december 2026" in inbox_rows(soup)[0]


def test_the_team_reads_and_replies_and_the_relative_sees_the_answer(client, page, factories):
    with time_machine.travel(FRIDAY, tick=True):
        scene = message_scene(factories)
        relative_writes(client, page, scene)
        thread = db.session.scalars(select(MessageThread)).one()
        sign_in_staff(client, scene.worker)
        soup = page.get("staff.staff_message_thread", thread_id=thread.id)
        assert soup.select_one(".app-message-author").get_text(strip=True) == (
            "Mette Jensen på vegne af Inger Jensen"
        )
        assert soup.select_one(".app-new").get_text(strip=True) == "(ny)"
        # Opening it marks it read for the team, and the read is in the citizen's log.
        soup = page.get("staff.message_inbox")
        assert "Ingen ulæste beskeder" in inbox_rows(soup)[0]
        assert soup.select_one(".app-nav a[href='/personale/beskeder']").get_text(strip=True) == (
            "Beskeder"
        )
        read = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "read", AuditEntry.object_type == "message_thread"
            )
        ).one()
        assert (read.citizen_id, read.actor_staff_id, read.purpose) == (
            scene.citizen.id,
            scene.worker.id,
            "messages",
        )
        page.post("staff.staff_reply", {"text": "Ja, vi kommer kl. 10."}, thread_id=thread.id)
        soup = page.get("staff.message_inbox")
        assert "Besvaret" in inbox_rows(soup)[0]
        sign_in_relative(client, scene.relative, scene.citizen)
        listing = page.get("citizen.messages")
        assert "(nyt svar)" in listing.select(".app-threads li")[1].get_text()
        soup = page.get("citizen.message_thread", party="team")
        authors = [a.get_text(strip=True) for a in soup.select(".app-message-author")]
        assert authors == ["Mette Jensen på vegne af Inger Jensen", "Anna, Team Nord"]
        assert soup.select(".app-message-text")[1].get_text() == "Ja, vi kommer kl. 10."


def test_another_team_and_the_visitation_cannot_open_the_teams_thread(client, page, factories):
    scene = message_scene(factories)
    relative_writes(client, page, scene)
    thread = db.session.scalars(select(MessageThread)).one()
    for staff in (scene.other_worker, scene.visitator):
        sign_in_staff(client, staff)
        assert client.get(f"/personale/beskeder/{thread.id}").status_code == 404
        assert inbox_rows(page.get("staff.message_inbox")) == []
        response = client.post(
            f"/personale/beskeder/{thread.id}",
            data={"csrf_token": csrf_token(client), "text": "x"},
        )
        assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ThreadMessage)) == 1


def test_a_bad_reply_gets_a_danish_error_and_nothing_is_written(client, page, factories):
    scene = message_scene(factories)
    relative_writes(client, page, scene)
    thread = db.session.scalars(select(MessageThread)).one()
    sign_in_staff(client, scene.worker)
    response = page.post(
        "staff.staff_reply", {"text": "a" * 2001}, thread_id=thread.id, expected_status=400
    )
    soup = check_page(response.get_data(as_text=True))
    assert "Skriv højst 2000 tegn" in soup.select_one(".form-error").get_text()
    assert db.session.scalar(select(func.count()).select_from(ThreadMessage)) == 1


def test_the_team_hands_the_thread_to_the_visitation_with_a_note(client, page, factories):
    with time_machine.travel(FRIDAY, tick=True):
        scene = message_scene(factories)
        relative_writes(client, page, scene, text="Kan min mor få mere hjælp til bad?")
        thread = db.session.scalars(select(MessageThread)).one()
        sign_in_staff(client, scene.leader)
        page.get("staff.staff_message_thread", thread_id=thread.id)
        soup = page.get("staff.hand_over_thread", thread_id=thread.id)
        assert soup.h1.get_text(strip=True) == "Giv beskeden videre til Visitationen"
        # A note is required: nothing is handed over without it.
        response = page.post(
            "staff.hand_over_thread", {"note": " "}, thread_id=thread.id, expected_status=400
        )
        assert "Skriv en note til modtageren" in response.get_data(as_text=True)
        page.post(
            "staff.hand_over_thread",
            {"note": "Ønske om mere hjælp: det er visitationens afgørelse."},
            thread_id=thread.id,
        )
        assert client.get(f"/personale/beskeder/{thread.id}").status_code == 404
        sign_in_staff(client, scene.visitator)
        soup = page.get("staff.message_inbox")
        assert inbox_rows(soup) == [
            "Inger Jensen 1 ulæst besked Givet videre fra Team Nord "
            "Svar senest mandag 7. december 2026"
        ]
        soup = page.get("staff.staff_message_thread", thread_id=thread.id)
        handover = soup.select_one(".app-message-handover").get_text(" ", strip=True)
        assert "Ønske om mere hjælp" in handover
        page.post("staff.staff_reply", {"text": "Jeg ringer i morgen."}, thread_id=thread.id)
        # The citizen keeps one thread with her team: she sees the handover, not the note,
        # and the visitator's answer.
        sign_in_citizen(client, scene.citizen)
        soup = page.get("citizen.message_thread", party="team")
        handover = soup.select_one(".app-message-handover").get_text(" ", strip=True)
        assert "Beskeden er givet videre til Visitationen." in handover
        assert "Ønske om mere hjælp" not in soup.get_text()
        authors = [a.get_text(strip=True) for a in soup.select(".app-message-author")]
        assert authors == ["Mette Jensen på vegne af Inger Jensen", "Vera, Visitationen"]


def test_the_visitation_cannot_hand_over_for_a_citizen_without_a_team(client, page, factories):
    scene = message_scene(factories)
    scene.citizen.team = None
    scene.citizen.provider = None
    db.session.commit()
    relative_writes(client, page, scene, party="visitation")
    thread = db.session.scalars(select(MessageThread)).one()
    sign_in_staff(client, scene.visitator)
    soup = page.get("staff.staff_message_thread", thread_id=thread.id)
    assert soup.select("a[href$='/giv-videre']") == []
    assert client.get(f"/personale/beskeder/{thread.id}/giv-videre").status_code == 404


def test_every_staff_page_in_the_thread_gives_the_phone_numbers(client, page, factories):
    """Seed 000: serious failure, abuse, hospital admission and accidents are phoned in."""
    scene = message_scene(factories)
    relative_writes(client, page, scene)
    thread = db.session.scalars(select(MessageThread)).one()
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.staff_message_thread", thread_id=thread.id)
    numbers = [a.get_text(strip=True) for a in soup.select(".app-urgent a[href^='tel:']")]
    assert numbers == ["70 10 20 30", "76 16 50 00"]


def test_the_longest_wait_is_on_top_and_answered_threads_come_last(client, page, factories):
    scene = message_scene(factories)
    second = factories.Citizen(name="Hans Berg", municipality=scene.citizen.municipality)
    second.team = scene.citizen.team
    third = factories.Citizen(name="Ruth Dam", municipality=scene.citizen.municipality)
    third.team = scene.citizen.team
    db.session.commit()
    with time_machine.travel(FRIDAY, tick=False):
        sign_in_citizen(client, third)
        page.post("citizen.write", {"text": "Først"}, party="team")
    with time_machine.travel(MONDAY, tick=False):
        sign_in_citizen(client, second)
        page.post("citizen.write", {"text": "Så"}, party="team")
        sign_in_citizen(client, scene.citizen)
        page.post("citizen.write", {"text": "Til sidst"}, party="team")
        thread = db.session.scalars(
            select(MessageThread).where(MessageThread.citizen_id == scene.citizen.id)
        ).one()
        sign_in_staff(client, scene.worker)
        page.post("staff.staff_reply", {"text": "Svar"}, thread_id=thread.id)
        names = [
            h.get_text(strip=True) for h in page.get("staff.message_inbox").select(".app-inbox h2")
        ]
    assert names == ["Ruth Dam", "Hans Berg", "Inger Jensen"]


def test_the_teams_answer_is_told_to_the_relative_who_chose_it_and_nothing_for_her_own_message(
    client, page, factories
):
    """Issue 14: "a new message" is an event a relative may choose; her own message is not
    news to her, the team's answer is (written in the answer's transaction)."""
    from selvvisitation.domain.notifications import Channel, Topic
    from selvvisitation.models import Notification, NotificationPreference

    with time_machine.travel(FRIDAY, tick=True):
        scene = message_scene(factories)
        db.session.add(
            NotificationPreference(
                citizen_id=scene.citizen.id,
                relative_id=scene.relative.id,
                channel=Channel.SMS,
                mobile="+4512345678",
                topics=[Topic.MESSAGES.value],
            )
        )
        db.session.commit()
        relative_writes(client, page, scene)
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
        thread = db.session.scalars(select(MessageThread)).one()
        sign_in_staff(client, scene.worker)
        page.post("staff.staff_reply", {"text": "Ja, vi kommer kl. 10."}, thread_id=thread.id)
        db.session.rollback()
        [told] = db.session.scalars(select(Notification)).all()
        assert (told.event.value, told.channel, told.relative_id) == (
            "new_message",
            Channel.SMS,
            scene.relative.id,
        )
        assert "Ja, vi kommer" not in told.body  # an SMS says only that there is news
