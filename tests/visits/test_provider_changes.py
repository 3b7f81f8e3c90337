"""The provider cancels or moves a visit, and the team answers a move request (issue 14).

Seed 002 (Esbjerg Kommune's quality standards), "Krav til leverance":
- Personlige opgaver: "Der må ikke forekomme aflysninger fra leverandørens side"; "Hvis
  leverandøren ændrer på det aftalte tidspunkt med mere end 30 min. skal borgeren have besked".
- Praktiske opgaver: "Hvis leverandøren bliver mere end 1 time forsinket, skal borgeren have
  besked"; "Hvis leverandøren aflyser opgaven, skal der gives et erstatningsbesøg indenfor 1 uge".
- Both: "Flytning af opgaven aftales mellem borger og leverandør": the citizen asks, the team
  answers.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from selvvisitation.domain.notifications import Channel, Topic
from selvvisitation.domain.types import MoveRequestStatus
from selvvisitation.extensions import db
from selvvisitation.models import (
    MoveRequest,
    Notification,
    NotificationPreference,
    Visit,
    VisitChange,
)
from selvvisitation.services.visit_change_actions import overdue_replacements
from tests.pages import check_page, sign_in_citizen, sign_in_staff
from tests.visits.scene import TODAY, at, visit_scene


def texts(soup, selector):
    return [" ".join(el.get_text(" ", strip=True).split()) for el in soup.select(selector)]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_personal_care_cannot_be_cancelled_by_the_provider_and_the_rule_is_shown(
    client, page, factories, clock
):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.leader)
    soup = page.get("staff.provider_cancel", visit_id=scene.personal.id)
    [refusal] = texts(soup, ".app-refused p")
    assert refusal.startswith("Personlig pleje kan ikke aflyses af hjemmeplejen.")
    assert "Der må ikke forekomme aflysninger fra leverandørens side" in refusal
    assert soup.select("form[action$='/aflys']") == []
    page.post(
        "staff.provider_cancel",
        {"reason": "Sygdom", "confirm": "y"},
        expected_status=409,
        visit_id=scene.personal.id,
    )
    assert _count(VisitChange) == 0 and not db.session.get(Visit, scene.personal.id).cancelled


def test_practical_help_cancelled_by_the_provider_gets_a_replacement_within_a_week(
    client, page, factories, clock
):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.leader)
    soup = page.get("staff.provider_cancel", visit_id=scene.practical.id)
    assert soup.select_one("#day") is not None  # the date of the replacement is asked for
    replacement_day = scene.practical.day + timedelta(days=7)
    page.post(
        "staff.provider_cancel",
        {
            "reason": "Sygdom i teamet",
            "day": replacement_day.isoformat(),
            "clock": "13:00",
            "confirm": "y",
        },
        visit_id=scene.practical.id,
    )
    db.session.rollback()
    change = db.session.scalars(select(VisitChange)).one()
    assert change.by_provider and change.notice_due
    assert change.replacement_due == replacement_day
    replacement = change.replacement_visit
    assert replacement.day == replacement_day
    assert replacement.starts_at == at(replacement_day, 13)
    assert [line.service.code for line in replacement.services] == ["PH-STOEV"]
    assert db.session.get(Visit, scene.practical.id).cancelled
    sign_in_citizen(client, scene.citizen)
    calendar = page.get("citizen.calendar")
    assert any(
        t.startswith("Hjemmeplejen har aflyst dette besøg. Du får et nyt besøg")
        for t in texts(calendar, ".app-visit-change")
    )


def test_a_replacement_later_than_a_week_is_refused_and_nothing_written(
    client, page, factories, clock
):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.leader)
    response = page.post(
        "staff.provider_cancel",
        {
            "reason": "Sygdom",
            "day": (scene.practical.day + timedelta(days=8)).isoformat(),
            "clock": "13:00",
            "confirm": "y",
        },
        expected_status=409,
        visit_id=scene.practical.id,
    )
    soup = check_page(response.get_data(as_text=True))
    # At the date it is about, and in the error summary that leads to it.
    [summary] = texts(soup, "[data-module='error-summary'] li")
    assert "skal erstattes inden for 1 uge" in summary
    assert "skal erstattes inden for 1 uge" in texts(soup, "#day-error")[0]
    assert _count(VisitChange) == 0 and _count(Visit) == 3


def test_a_provider_cancellation_without_a_replacement_date_is_refused(
    client, page, factories, clock
):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.leader)
    response = page.post(
        "staff.provider_cancel",
        {"reason": "Sygdom", "confirm": "y"},
        expected_status=400,
        visit_id=scene.practical.id,
    )
    soup = check_page(response.get_data(as_text=True))
    assert "Skriv datoen for erstatningsbesøget" in texts(soup, ".alert-error li")
    assert _count(VisitChange) == 0


def test_a_worker_may_not_cancel_for_the_provider(client, factories, clock):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    assert client.get(f"/personale/besoeg/{scene.practical.id}/aflys").status_code == 403


def test_the_team_leader_s_flag_opens_when_the_week_passes_without_the_replacement(
    client, page, factories, clock
):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.leader)
    replacement_day = scene.practical.day + timedelta(days=3)
    page.post(
        "staff.provider_cancel",
        {"reason": "Sygdom", "day": replacement_day.isoformat(), "clock": "13:00", "confirm": "y"},
        visit_id=scene.practical.id,
    )
    due = scene.practical.day + timedelta(days=7)
    assert overdue_replacements(db.session, due) == []  # the week has not passed
    flagged = overdue_replacements(db.session, due + timedelta(days=1))
    db.session.commit()
    assert len(flagged) == 1
    clock.move_to(at(due + timedelta(days=1), 9))
    sign_in_staff(client, scene.leader)
    soup = page.get("staff.visits")
    assert "Inger Jensen: aflyst" in texts(soup, ".app-replacement-flags li")[0]


def test_a_delivered_replacement_opens_no_flag(client, page, factories, clock):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.leader)
    replacement_day = scene.practical.day + timedelta(days=3)
    page.post(
        "staff.provider_cancel",
        {"reason": "Sygdom", "day": replacement_day.isoformat(), "clock": "13:00", "confirm": "y"},
        visit_id=scene.practical.id,
    )
    change = db.session.scalars(select(VisitChange)).one()
    change.replacement_visit.recorded_at = at(replacement_day, 14)
    db.session.commit()
    assert overdue_replacements(db.session, TODAY + timedelta(days=30)) == []


def test_the_nightly_evaluation_flags_overdue_replacements(app, factories, clock):
    from selvvisitation.domain.types import ActorKind
    from selvvisitation.security.access import Actor
    from selvvisitation.services.visit_change_actions import provider_cancel_visit

    scene = visit_scene(factories)
    provider_cancel_visit(
        db.session,
        visit_id=scene.practical.id,
        staff=scene.leader,
        actor=Actor(kind=ActorKind.STAFF, staff=scene.leader),
        reason_text="Sygdom",
        replacement_starts_at=at(scene.practical.day + timedelta(days=2), 13),
    )
    clock.move_to(at(scene.practical.day + timedelta(days=8), 2))
    result = app.test_cli_runner().invoke(args=["evaluate-flags"])
    assert result.exit_code == 0, result.output
    assert "1 replacement visit(s) overdue" in result.output
    db.session.rollback()
    assert db.session.scalars(select(VisitChange)).one().replacement_flagged_at is not None


def test_moving_personal_care_more_than_30_minutes_records_that_the_citizen_must_be_told(
    client, page, factories, clock
):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.leader)
    page.post(
        "staff.provider_move",
        {"day": scene.personal.day.isoformat(), "clock": "08:31", "reason": "Kørsel"},
        visit_id=scene.personal.id,
    )
    change = db.session.scalars(select(VisitChange)).one()
    assert change.notice_due and change.new_starts_at == at(scene.personal.day, 8, 31)
    visit = db.session.get(Visit, scene.personal.id)
    assert visit.starts_at == at(scene.personal.day, 8, 31)
    assert visit.ends_at == at(scene.personal.day, 9, 1)


def test_moving_personal_care_30_minutes_needs_no_notice(client, page, factories, clock):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.leader)
    page.post(
        "staff.provider_move",
        {"day": scene.personal.day.isoformat(), "clock": "08:30", "reason": "Kørsel"},
        visit_id=scene.personal.id,
    )
    assert not db.session.scalars(select(VisitChange)).one().notice_due


def test_practical_help_more_than_an_hour_late_records_a_notice(client, page, factories, clock):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.leader)
    page.post(
        "staff.provider_move",
        {"day": scene.practical.day.isoformat(), "clock": "11:01", "reason": "Forsinket"},
        visit_id=scene.practical.id,
    )
    assert db.session.scalars(select(VisitChange)).one().notice_due


def test_a_move_to_a_time_that_has_passed_is_refused(client, page, factories, clock):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.leader)
    response = page.post(
        "staff.provider_move",
        {"day": TODAY.isoformat(), "clock": "08:00", "reason": "Forsinket"},
        expected_status=409,
        visit_id=scene.practical.id,
    )
    assert _count(VisitChange) == 0
    soup = check_page(response.get_data(as_text=True))
    assert texts(soup, "#clock-error") == ["Fejl: Vælg et tidspunkt, der ikke er passeret."]


def test_a_move_request_is_sent_the_team_says_yes_and_the_citizen_sees_it(
    client, page, factories, clock
):
    scene = visit_scene(factories)
    sign_in_citizen(client, scene.citizen)
    soup = page.get("citizen.move_visit", visit_id=scene.practical.id)
    assert "Besøget er ikke flyttet endnu." in soup.get_text()
    response = page.post(
        "citizen.move_visit", {"wish": "Torsdag i stedet"}, visit_id=scene.practical.id
    )
    receipt = page.get_url(response.headers["Location"])
    assert "Dit ønske om at flytte besøget er sendt" in receipt.h1.get_text()
    assert db.session.get(Visit, scene.practical.id).starts_at == at(scene.practical.day, 10)
    sign_in_staff(client, scene.worker)
    day_list = page.get("staff.visits", dag=scene.practical.day.isoformat())
    assert "Torsdag i stedet" in texts(day_list, ".app-move-request")[0]
    new_day = scene.practical.day + timedelta(days=2)
    page.post(
        "staff.answer_move_request",
        {"answer": "yes", "day": new_day.isoformat(), "clock": "14:00", "reason": ""},
        visit_id=scene.practical.id,
    )
    db.session.rollback()
    move = db.session.scalars(select(MoveRequest)).one()
    assert move.status == MoveRequestStatus.ACCEPTED
    assert db.session.get(Visit, scene.practical.id).starts_at == at(new_day, 14)
    sign_in_citizen(client, scene.citizen)
    calendar = page.get("citizen.calendar")
    assert any("sagt ja til at flytte" in t for t in texts(calendar, ".app-move-answer"))


def test_the_team_says_no_with_a_reason_and_the_citizen_sees_it(client, page, factories, clock):
    scene = visit_scene(factories)
    sign_in_citizen(client, scene.citizen)
    page.post("citizen.move_visit", {"wish": "Om aftenen"}, visit_id=scene.practical.id)
    sign_in_staff(client, scene.worker)
    response = page.post(
        "staff.answer_move_request",
        {"answer": "no", "reason": ""},
        expected_status=400,
        visit_id=scene.practical.id,
    )
    assert "Skriv hvorfor besøget ikke kan flyttes" in texts(
        check_page(response.get_data(as_text=True)), ".alert-error li"
    )
    assert db.session.scalars(select(MoveRequest)).one().status == MoveRequestStatus.REQUESTED
    page.post(
        "staff.answer_move_request",
        {"answer": "no", "reason": "Vi har ingen ledige om aftenen."},
        visit_id=scene.practical.id,
    )
    sign_in_citizen(client, scene.citizen)
    calendar = page.get("citizen.calendar")
    assert "Hjemmeplejen kan ikke flytte besøget: Vi har ingen ledige om aftenen." in texts(
        calendar, ".app-move-answer"
    )
    # Answered: no second answer.
    sign_in_staff(client, scene.worker)
    assert client.get(f"/personale/besoeg/{scene.practical.id}/flytning").status_code == 404


def test_an_empty_move_request_is_refused_with_a_danish_message(client, page, factories, clock):
    scene = visit_scene(factories)
    sign_in_citizen(client, scene.citizen)
    response = page.post(
        "citizen.move_visit", {"wish": " "}, expected_status=400, visit_id=scene.practical.id
    )
    assert "Skriv hvornår du gerne vil have besøget i stedet" in texts(
        check_page(response.get_data(as_text=True)), ".alert-error li"
    )
    assert _count(MoveRequest) == 0


def _wants_visit_news(citizen) -> None:
    from selvvisitation.domain.notifications import Channel, Topic
    from selvvisitation.models import NotificationPreference

    db.session.add(
        NotificationPreference(
            citizen_id=citizen.id,
            channel=Channel.EMAIL,
            email="inger@example.dk",
            topics=[Topic.VISIT_CHANGES.value],
        )
    )
    db.session.commit()


def _told():
    from selvvisitation.models import Notification

    db.session.rollback()
    return [
        n.event.value for n in db.session.scalars(select(Notification).order_by(Notification.id))
    ]


def test_the_citizen_is_told_when_the_provider_cancels_practical_help(
    client, page, factories, clock
):
    """002, Praktiske opgaver: the provider's cancellation reaches the citizen by her channel,
    written in the cancellation's own transaction (issue 14, the transactional outbox)."""
    scene = visit_scene(factories)
    _wants_visit_news(scene.citizen)
    sign_in_staff(client, scene.leader)
    page.post(
        "staff.provider_cancel",
        {
            "reason": "Sygdom",
            "day": (scene.practical.day + timedelta(days=2)).isoformat(),
            "clock": "10:00",
            "confirm": "y",
        },
        visit_id=scene.practical.id,
    )
    assert db.session.get(Visit, scene.practical.id).cancelled
    assert _told() == ["visit_cancelled"]


def test_the_citizen_is_told_of_a_move_only_when_002_says_so(client, page, factories, clock):
    """002, Personlige opgaver: more than 30 minutes is told (moved); Praktiske opgaver: more
    than 1 hour late is told (delayed); 30 minutes for personal care is not."""
    scene = visit_scene(factories)
    _wants_visit_news(scene.citizen)
    sign_in_staff(client, scene.leader)
    page.post(
        "staff.provider_move",
        {"day": scene.personal.day.isoformat(), "clock": "08:30", "reason": "Kørsel"},
        visit_id=scene.personal.id,
    )
    assert _told() == []
    page.post(
        "staff.provider_move",
        {"day": scene.practical.day.isoformat(), "clock": "11:01", "reason": "Forsinket"},
        visit_id=scene.practical.id,
    )
    assert _told() == ["visit_delayed"]
    page.post(
        "staff.provider_move",
        {"day": scene.personal.day.isoformat(), "clock": "09:05", "reason": "Kørsel"},
        visit_id=scene.personal.id,
    )
    assert _told() == ["visit_delayed", "visit_moved"]


@pytest.mark.parametrize(
    ("answer", "event", "opening"),
    [
        (
            {"answer": "yes", "clock": "14:00", "reason": ""},
            "move_accepted",
            "Hjemmeplejen har sagt ja til at flytte besøget og har flyttet det.",
        ),
        (
            {"answer": "no", "reason": "Vi har ingen ledige om aftenen; fodsåret skal ses kl. 10."},
            "move_declined",
            "Hjemmeplejen kunne ikke flytte besøget. Det er der, hvor det var.",
        ),
    ],
)
def test_the_team_s_answer_to_a_move_request_is_notified_in_its_own_transaction(
    client, page, factories, clock, answer, event, opening
):
    """002: "Flytning af opgaven aftales mellem borger og leverandør"; issue 14: the citizen
    and the relatives who chose answers are told the team's answer, yes or no, written to the
    outbox with the answer. The team's own words are not sent: a no says why is behind the
    link, where the calendar shows them."""
    scene = visit_scene(factories)
    consent = factories.Consent(citizen=scene.citizen, relative__name="Hanne Jensen")
    db.session.add_all(
        [
            NotificationPreference(
                citizen_id=scene.citizen.id,
                channel=Channel.EMAIL,
                email="inger@example.dk",
                topics=[Topic.ANSWERS.value],
            ),
            NotificationPreference(
                citizen_id=scene.citizen.id,
                relative_id=consent.relative_id,
                channel=Channel.SMS,
                mobile="+4520304050",
                topics=[Topic.ANSWERS.value],
            ),
        ]
    )
    db.session.commit()
    sign_in_citizen(client, scene.citizen)
    page.post("citizen.move_visit", {"wish": "Om eftermiddagen"}, visit_id=scene.practical.id)
    assert _told() == []  # her own request tells nobody
    sign_in_staff(client, scene.worker)
    page.post(
        "staff.answer_move_request",
        {"day": (scene.practical.day + timedelta(days=1)).isoformat(), **answer},
        visit_id=scene.practical.id,
    )
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(row.event.value, row.channel) for row in rows] == [
        (event, Channel.EMAIL),
        (event, Channel.SMS),
    ]
    email, sms = rows
    assert email.body.startswith(opening)
    assert email.link == "https://selvvisitation.test/borger/besoeg"
    assert "fodsåret" not in email.body and "ledige" not in email.body
    if event == "move_declined":
        assert "Du kan læse hvorfor, når du logger ind." in email.body
    assert sms.body == (
        "Der er nyt til dig i Selvvisitation. Log ind for at se det: "
        "https://selvvisitation.test/borger/besoeg"
    )


def test_an_answer_that_is_refused_tells_nobody(client, page, factories, clock):
    """A no without a reason is refused (nothing written): no notification either."""
    scene = visit_scene(factories)
    _wants_visit_news(scene.citizen)
    db.session.scalars(select(NotificationPreference)).one().topics = [Topic.ANSWERS.value]
    db.session.commit()
    sign_in_citizen(client, scene.citizen)
    page.post("citizen.move_visit", {"wish": "Om aftenen"}, visit_id=scene.practical.id)
    sign_in_staff(client, scene.worker)
    page.post(
        "staff.answer_move_request",
        {"answer": "no", "reason": ""},
        expected_status=400,
        visit_id=scene.practical.id,
    )
    assert _told() == []
