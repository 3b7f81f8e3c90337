"""The citizen (or a relative with "act" consent) cancels one coming visit (issue 14).

Seed 002 (Esbjerg Kommune's quality standards): Praktiske opgaver, Krav til leverance:
"Hvis borgeren aflyser opgaven tilbydes ikke erstatningsbesøg"; Madservice, Borgerens
forpligtigelser: "melde fra senest kl. 12.00 dagen før leveringen". The deadline for other
visits is the municipality's setting, default 2 hours before the time window.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from selvvisitation.domain.types import ActorKind, CancelReason, ConsentScope, LegalBasis
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, Visit, VisitChange
from tests.clock import SPRING_FORWARD_NIGHT
from tests.pages import sign_in_citizen, sign_in_relative, sign_in_staff
from tests.visits.scene import at, visit_scene


def texts(soup, selector):
    return [" ".join(el.get_text(" ", strip=True).split()) for el in soup.select(selector)]


def _changes() -> int:
    return db.session.scalar(select(func.count()).select_from(VisitChange))


def test_the_citizen_is_told_there_is_no_replacement_before_confirming(
    client, page, factories, clock
):
    scene = visit_scene(factories)
    sign_in_citizen(client, scene.citizen)
    soup = page.get("citizen.cancel_visit", visit_id=scene.practical.id)
    assert "Når du selv aflyser et besøg, får du ikke et nyt besøg i stedet." in texts(
        soup, ".app-no-replacement p"
    )
    assert [label.get_text(strip=True) for label in soup.select("#reason label")] == [
        "Jeg er på hospitalet",
        "Jeg har familie på besøg",
        "Jeg er ikke hjemme",
        "Noget andet",
    ]
    # Step 1 asks for the reason; step 2 asks to confirm; nothing is written before that.
    response = page.post(
        "citizen.cancel_visit",
        {"reason": "hospital"},
        expected_status=200,
        visit_id=scene.practical.id,
    )
    from tests.pages import check_page

    confirm = check_page(response.get_data(as_text=True))
    assert confirm.h1.get_text(strip=True) == "Vil du aflyse besøget?"
    assert confirm.select_one("input[name=confirmed]")["value"] == "yes"
    assert _changes() == 0
    assert not db.session.get(Visit, scene.practical.id).cancelled


def test_a_confirmed_cancellation_is_stored_audited_and_shown_on_a_receipt(
    client, page, factories, clock
):
    scene = visit_scene(factories)
    sign_in_citizen(client, scene.citizen)
    response = page.post(
        "citizen.cancel_visit",
        {"reason": "family", "confirmed": "yes"},
        visit_id=scene.practical.id,
    )
    db.session.rollback()
    change = db.session.scalars(select(VisitChange)).one()
    assert change.reason == CancelReason.FAMILY
    assert change.created_by_kind == ActorKind.CITIZEN
    assert not change.by_provider and change.replacement_visit_id is None
    assert db.session.get(Visit, scene.practical.id).cancelled
    assert response.headers["Location"].endswith(f"/borger/besoeg/aflyst/{change.reference}")
    receipt = page.get_url(response.headers["Location"])
    assert receipt.h1.get_text(" ", strip=True).startswith("Besøget er aflyst")
    assert change.reference in receipt.h1.get_text()
    assert "Du får ikke et nyt besøg i stedet." in texts(receipt, ".app-next-steps li")
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "visit", AuditEntry.action == "update")
    ).one()
    assert entry.purpose == "own_request" and entry.citizen_id == scene.citizen.id


def test_the_team_sees_the_cancellation_at_once_on_the_day_list(client, page, factories, clock):
    scene = visit_scene(factories)
    sign_in_citizen(client, scene.citizen)
    page.post(
        "citizen.cancel_visit", {"reason": "away", "confirmed": "yes"}, visit_id=scene.practical.id
    )
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.visits", dag=scene.practical.day.isoformat())
    [visit] = soup.select(".app-visit")
    assert "Aflyst" in " ".join(texts(visit, ".app-visit-facts"))
    assert texts(visit, ".app-visit-cancelled") == [
        "Borgeren har aflyst: Jeg er ikke hjemme (2. mar. 2026 kl. 09:00)"
    ]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "reason", "Vælg hvorfor du aflyser besøget"),
        ({"reason": "bored"}, "reason", "Vælg hvorfor du aflyser besøget"),
        (
            {"reason": "other", "reason_text": "  "},
            "reason_text",
            "Skriv hvorfor du aflyser besøget",
        ),
        ({"reason": "other", "reason_text": "x" * 501}, "reason_text", "Skriv højst 500 tegn"),
    ],
)
def test_bad_input_gets_a_clear_danish_message_and_nothing_is_written(
    client, page, factories, clock, data, field, message
):
    scene = visit_scene(factories)
    sign_in_citizen(client, scene.citizen)
    response = page.post(
        "citizen.cancel_visit",
        {**data, "confirmed": "yes"},
        expected_status=400,
        visit_id=scene.practical.id,
    )
    from tests.pages import check_page

    soup = check_page(response.get_data(as_text=True))
    assert soup.title.get_text().startswith("Fejl: ")
    assert message in texts(soup, ".alert-error li")
    assert _changes() == 0


def test_past_the_deadline_the_cancellation_is_refused_and_nothing_written(
    client, page, factories, clock
):
    """Default setting: 2 hours before the time window (Tuesday 10:00 → Tuesday 08:00)."""
    scene = visit_scene(factories)
    clock.move_to(at(scene.practical.day, 8, 0))
    sign_in_citizen(client, scene.citizen)
    response = page.post(
        "citizen.cancel_visit",
        {"reason": "family", "confirmed": "yes"},
        expected_status=409,
        visit_id=scene.practical.id,
    )
    from tests.pages import check_page

    soup = check_page(response.get_data(as_text=True))
    [refusal] = texts(soup, ".app-refused p")
    assert refusal.startswith(
        "Det er for sent at aflyse besøget her. Det skulle aflyses før kl. 08:00"
    )
    assert "Ring til" in refusal
    assert _changes() == 0 and not db.session.get(Visit, scene.practical.id).cancelled


def test_one_minute_before_the_deadline_the_cancellation_goes_through(
    client, page, factories, clock
):
    scene = visit_scene(factories)
    clock.move_to(at(scene.practical.day, 7, 59))
    sign_in_citizen(client, scene.citizen)
    page.post(
        "citizen.cancel_visit",
        {"reason": "family", "confirmed": "yes"},
        visit_id=scene.practical.id,
    )
    assert _changes() == 1


def test_on_the_night_summer_time_starts_the_two_hours_are_real_hours(
    client, page, factories, clock
):
    """Sunday 29 March 2026 02:00 jumps to 03:00. A visit at 04:00 (02:00 UTC) may be
    cancelled until 01:00, two real hours before; on the wall clock 01:00 to 04:00 looks
    like three. At 01:30 only 90 minutes are left: refused, and the refusal names 01:00."""
    scene = visit_scene(factories)
    starts = SPRING_FORWARD_NIGHT + timedelta(minutes=90)
    night = factories.Visit(
        citizen=scene.citizen,
        team=scene.citizen.team,
        day=starts.date(),
        starts_at=starts,
        ends_at=starts + timedelta(minutes=30),
        time_frame_minutes=30,
    )
    factories.VisitService(visit=night, service=scene.services["vacuum"], planned_minutes=30)
    db.session.commit()
    clock.move_to(SPRING_FORWARD_NIGHT - timedelta(minutes=31))  # 00:59: still in time
    sign_in_citizen(client, scene.citizen)
    soup = page.get("citizen.cancel_visit", visit_id=night.id)
    assert soup.select_one(".app-refused") is None and soup.select_one("#reason")

    clock.move_to(SPRING_FORWARD_NIGHT)  # 01:30, half an hour on: sign in again
    sign_in_citizen(client, scene.citizen)
    response = page.post(
        "citizen.cancel_visit",
        {"reason": "family", "confirmed": "yes"},
        expected_status=409,
        visit_id=night.id,
    )
    from tests.pages import check_page

    [refusal] = texts(check_page(response.get_data(as_text=True)), ".app-refused p")
    assert "Det skulle aflyses før kl. 01:00" in refusal
    assert _changes() == 0


def test_the_municipality_s_own_deadline_applies(client, page, factories, clock):
    scene = visit_scene(factories)
    policy = scene.citizen.municipality.policy
    policy.citizen_cancel_deadline_minutes = 24 * 60
    db.session.commit()
    clock.move_to(at(scene.practical.day - timedelta(days=1), 10, 0))  # exactly 24 hours before
    sign_in_citizen(client, scene.citizen)
    page.post(
        "citizen.cancel_visit",
        {"reason": "family", "confirmed": "yes"},
        expected_status=409,
        visit_id=scene.practical.id,
    )
    assert _changes() == 0


def test_meals_are_refused_after_noon_the_day_before(client, page, factories, clock):
    """002, Madservice: "melde fra senest kl. 12.00 dagen før leveringen"."""
    scene = visit_scene(factories)
    day_before = scene.meals.day - timedelta(days=1)
    clock.move_to(at(day_before, 12, 0))
    sign_in_citizen(client, scene.citizen)
    soup = page.get("citizen.cancel_visit", visit_id=scene.meals.id, expected_status=409)
    assert "Mad skal afmeldes før kl. 12 dagen før" in texts(soup, ".app-refused p")[0]
    page.post(
        "citizen.cancel_visit",
        {"reason": "away", "confirmed": "yes"},
        expected_status=409,
        visit_id=scene.meals.id,
    )
    assert _changes() == 0


def test_meals_can_be_cancelled_before_noon_the_day_before(client, page, factories, clock):
    scene = visit_scene(factories)
    clock.move_to(at(scene.meals.day - timedelta(days=1), 11, 59))
    sign_in_citizen(client, scene.citizen)
    page.post(
        "citizen.cancel_visit", {"reason": "away", "confirmed": "yes"}, visit_id=scene.meals.id
    )
    assert _changes() == 1


def test_a_cancelled_or_someone_else_s_visit_cannot_be_cancelled(client, page, factories, clock):
    scene = visit_scene(factories)
    other = visit_scene(factories)
    sign_in_citizen(client, scene.citizen)
    page.post(
        "citizen.cancel_visit",
        {"reason": "away", "confirmed": "yes"},
        expected_status=404,
        visit_id=other.practical.id,
    )
    page.post(
        "citizen.cancel_visit", {"reason": "away", "confirmed": "yes"}, visit_id=scene.practical.id
    )
    page.post(
        "citizen.cancel_visit",
        {"reason": "away", "confirmed": "yes"},
        expected_status=409,
        visit_id=scene.practical.id,
    )
    assert _changes() == 1


def test_a_relative_with_act_consent_cancels_and_the_citizen_sees_who_did(
    client, page, factories, clock
):
    scene = visit_scene(factories)
    consent = factories.Consent(
        citizen=scene.citizen, scope=ConsentScope.ACT, relative_name="Hanne Jensen"
    )
    sign_in_relative(client, consent.relative, scene.citizen)
    soup = page.get("citizen.cancel_visit", visit_id=scene.practical.id)
    assert "Du aflyser for Inger Jensen" in texts(soup, ".app-on-behalf")[0]
    page.post(
        "citizen.cancel_visit",
        {"reason": "hospital", "confirmed": "yes"},
        visit_id=scene.practical.id,
    )
    change = db.session.scalars(select(VisitChange)).one()
    assert change.created_by_kind == ActorKind.RELATIVE
    assert change.created_by_relative_id == consent.relative.id
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "visit", AuditEntry.action == "update")
    ).one()
    assert entry.purpose == "on_behalf_of_citizen"
    assert entry.actor_relative_id == consent.relative.id
    sign_in_citizen(client, scene.citizen)
    calendar = page.get("citizen.calendar")
    (line,) = texts(calendar, ".app-visit-change")
    assert line.startswith("Hanne Jensen har aflyst dette besøg for dig. Aflyst mandag")


def test_a_relative_who_may_only_see_cannot_cancel(client, factories, clock):
    scene = visit_scene(factories)
    consent = factories.Consent(citizen=scene.citizen, scope=ConsentScope.SEE)
    sign_in_relative(client, consent.relative, scene.citizen)
    from tests.pages import csrf_token

    response = client.post(
        f"/borger/besoeg/{scene.practical.id}/aflys",
        data={"reason": "away", "confirmed": "yes", "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 403
    assert _changes() == 0


def test_an_ael_citizen_cancels_a_visit_with_elements_of_her_forlob(client, page, factories, clock):
    """Both laws: a visit of a forløb (Ældreloven) is cancelled on the same rules."""
    scene = visit_scene(factories)
    decision = factories.AelDecision(citizen=scene.citizen, version=2)
    assert decision.legal_basis == LegalBasis.AEL
    element = factories.CareProgrammeElement(programme=decision.care_programme, name_da="Bad")
    day = scene.practical.day + timedelta(days=4)
    visit = factories.Visit(
        citizen=scene.citizen,
        day=day,
        starts_at=at(day, 9),
        ends_at=at(day, 10),
        time_frame_minutes=0,
    )
    factories.VisitElement(visit=visit, element=element)
    sign_in_citizen(client, scene.citizen)
    calendar = page.get("citizen.calendar")
    assert "Bad" in texts(calendar, ".app-visit-facts dd")
    page.post("citizen.cancel_visit", {"reason": "away", "confirmed": "yes"}, visit_id=visit.id)
    assert db.session.get(Visit, visit.id).cancelled
