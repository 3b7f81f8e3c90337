"""The worker answers a wished swap from her list before the visit, and records in a few
taps (issue 12, "The home-care worker" 2 and 3; DOMAIN.md rule 5, seed 002 §8: the worker
judges whether a swap is safe, the citizen hears the answer and why)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import DeclineReason, SwapStatus, VisitServiceOutcome
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, Notification, SwapRequest, Visit
from tests.pages import sign_in_citizen, sign_in_staff
from tests.staff.helpers import visit_scene, wished_swap
from tests.staff.test_record_visit import error_texts
from tests.visitation.test_notification_events import _told, _wants_everything


def _scene_with_wish(factories, **kwargs):
    scene = visit_scene(factories, **kwargs)
    _wants_everything(scene.citizen)
    swap = wished_swap(
        scene.citizen,
        drop=scene.services["PH-STOEV"],
        add=scene.services["FL-GAATUR"],
        visit=scene.visit,
        minutes=25,
    )
    return scene, swap


def test_yes_from_the_list_accepts_the_swap_and_tells_the_citizen_at_once(client, page, factories):
    scene, swap = _scene_with_wish(factories, day=local_today() + timedelta(days=1))
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.visits", dag=scene.visit.day.isoformat())
    [answer] = soup.select(".app-swap-answer")
    assert answer.select_one("button").get_text(" ", strip=True).startswith("Ja, det kan vi")
    assert answer.select_one("a").get_text(" ", strip=True).startswith("Nej, fordi …")

    form = answer.select_one("form")
    response = client.post(
        form["action"], data={i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    )
    assert response.status_code == 302

    db.session.expire_all()
    answered = db.session.get(SwapRequest, swap.id)
    assert answered.status is SwapStatus.ACCEPTED
    assert answered.decided_by_staff_id == scene.worker.id
    assert [event.value for event, _ in _told()] == ["swap_accepted"]
    assert db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.object_type == "swap_request", AuditEntry.purpose == "swap_decision")
    )
    after = page.get("staff.visits", dag=scene.visit.day.isoformat())
    assert after.select(".app-swap-answer") == []
    assert "Sagt ja" in after.select_one(".app-wishes").get_text()
    # Her calendar says so before the visit.
    sign_in_citizen(client, scene.citizen)
    calendar = page.get("citizen.calendar")
    [wished] = calendar.select(".app-calendar-wishes li")
    assert "Støvsugning → Gåtur (godkendt)" in " ".join(wished.get_text(" ", strip=True).split())


def test_no_needs_a_reason_in_danish_beside_the_field_and_writes_nothing(client, page, factories):
    scene, swap = _scene_with_wish(factories)
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.answer_swap", swap_id=swap.id, svar="nej")
    assert soup.select_one("input[name=answer][value=no]").has_attr("checked")

    response = page.post(
        "staff.answer_swap",
        {"answer": "no", "reason": "other", "reason_text": "  "},
        expected_status=400,
        swap_id=swap.id,
    )
    from tests.pages import check_page

    refused = check_page(response.get_data(as_text=True))
    assert error_texts(refused) == ["Skriv hvorfor byttet ikke kan gøres"]
    assert "Skriv hvorfor byttet ikke kan gøres" in refused.select_one(".form-error").get_text()
    db.session.expire_all()
    assert db.session.get(SwapRequest, swap.id).status is SwapStatus.REQUESTED
    assert _told() == []

    page.post(
        "staff.answer_swap",
        {"answer": "no", "reason": "work_environment", "reason_text": "Haven er glat i dag"},
        swap_id=swap.id,
    )
    db.session.expire_all()
    declined = db.session.get(SwapRequest, swap.id)
    assert declined.status is SwapStatus.DECLINED
    assert declined.decline_reason is DeclineReason.WORK_ENVIRONMENT
    assert declined.decline_text == "Haven er glat i dag"
    assert [event.value for event, _ in _told()] == ["swap_declined"]
    # Declined ahead: the visit is ordinary now, one tap records it as planned.
    record = page.get("staff.record_visit", visit_id=scene.visit.id)
    assert record.select_one(".app-as-planned button")


def test_a_swap_answered_already_is_not_answered_twice(client, page, factories):
    scene, swap = _scene_with_wish(factories)
    sign_in_staff(client, scene.worker)
    page.post("staff.answer_swap", {"answer": "yes"}, swap_id=swap.id)
    page.post("staff.answer_swap", {"answer": "no", "reason_text": "Nej"}, swap_id=swap.id)
    db.session.expire_all()
    assert db.session.get(SwapRequest, swap.id).status is SwapStatus.ACCEPTED
    assert len(_told()) == 1


def test_the_record_is_prefilled_from_a_yes_and_saved_without_telling_the_citizen_twice(
    client, page, factories
):
    """Issue 12, 3: the help done instead and its minutes come from the wish."""
    scene, swap = _scene_with_wish(factories)
    vacuum, shower = scene.items
    sign_in_staff(client, scene.worker)
    page.post("staff.answer_swap", {"answer": "yes"}, swap_id=swap.id)

    soup = page.get("staff.record_visit", visit_id=scene.visit.id)
    checked = {i["name"]: i["value"] for i in soup.select("input[type=radio][checked]")}
    assert checked == {
        f"outcome_{vacuum.id}": VisitServiceOutcome.DROPPED.value,
        f"outcome_{shower.id}": VisitServiceOutcome.DELIVERED.value,
        f"swap_{swap.id}": "accept",
    }
    assert soup.select_one("#instead_service_0 option[selected]")["value"] == "FL-GAATUR"
    assert soup.select_one("#instead_minutes_0")["value"] == "25"
    assert soup.select(".app-as-planned") == []  # a swap to confirm: the full form

    # Saving what the page shows records the swap; the citizen heard the yes already.
    form = soup.select_one("form.app-record-form")
    data = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    data.update(checked)
    data.update({"instead_service_0": "FL-GAATUR", "instead_minutes_0": "25"})
    page.post("staff.save_visit", data, visit_id=scene.visit.id)
    db.session.expire_all()
    visit = db.session.get(Visit, scene.visit.id)
    assert visit.is_recorded
    assert {s.outcome for s in visit.services} == {
        VisitServiceOutcome.DROPPED,
        VisitServiceOutcome.DELIVERED,
        VisitServiceOutcome.ADDED,
    }
    assert [event.value for event, _ in _told()] == ["swap_accepted", "visit_carried_out"]


def test_as_planned_records_an_ordinary_visit_in_one_post(client, page, factories):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.record_visit", visit_id=scene.visit.id)
    assert (
        soup.select_one(".app-as-planned button")
        .get_text(" ", strip=True)
        .startswith("Som planlagt")
    )
    response = page.post("staff.record_visit_as_planned", visit_id=scene.visit.id)
    assert response.location.endswith(f"/personale/besoeg?dag={scene.visit.day.isoformat()}")
    db.session.expire_all()
    visit = db.session.get(Visit, scene.visit.id)
    assert visit.is_recorded and visit.recorded_by_staff_id == scene.worker.id
    assert [(s.outcome, s.delivered_minutes) for s in visit.services] == [
        (VisitServiceOutcome.DELIVERED, 30),
        (VisitServiceOutcome.DELIVERED, 30),
    ]
    # A second tap adds nothing.
    page.post("staff.record_visit_as_planned", visit_id=scene.visit.id)
    db.session.expire_all()
    assert len(db.session.get(Visit, scene.visit.id).services) == 2


def test_as_planned_is_refused_while_a_wished_swap_waits_or_before_the_day(client, page, factories):
    scene, _swap = _scene_with_wish(factories)
    sign_in_staff(client, scene.worker)
    assert page.get("staff.record_visit", visit_id=scene.visit.id).select(".app-as-planned") == []
    page.post("staff.record_visit_as_planned", visit_id=scene.visit.id)
    db.session.expire_all()
    assert not db.session.get(Visit, scene.visit.id).is_recorded

    later = visit_scene(factories, day=local_today() + timedelta(days=1))
    sign_in_staff(client, later.worker)
    page.post("staff.record_visit_as_planned", visit_id=later.visit.id)
    db.session.expire_all()
    assert not db.session.get(Visit, later.visit.id).is_recorded
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def _standing_scene(factories):
    """A standing swap over two coming visits of the citizen (seed 002: a swap for a period)."""
    day = date(2026, 11, 24)
    scene = visit_scene(factories, day=day)
    _wants_everything(scene.citizen)
    later = factories.Visit(citizen=scene.citizen, day=day + timedelta(days=7))
    later.planned_staff_id = scene.worker.id  # on her own list, as the first visit is
    swap = wished_swap(
        scene.citizen,
        drop=scene.services["PH-STOEV"],
        add=scene.services["FL-GAATUR"],
        period=(day, day + timedelta(days=7)),
        minutes=25,
    )
    db.session.commit()
    return scene, swap, later


def test_a_standing_swap_is_answered_ahead_for_one_visit_and_stays_open_for_the_others(
    client, page, factories
):
    # Issue 12, "The home-care worker" 2, for a swap over a period. Rule 5 (seed 002 §8): the
    # worker judges each visit, so the yes is for this visit; the next visit still asks.
    with time_machine.travel(datetime(2026, 11, 23, 8, 0, tzinfo=UTC), tick=False):
        scene, swap, later = _standing_scene(factories)
        sign_in_staff(client, scene.worker)
        soup = page.get("staff.visits", dag=scene.visit.day.isoformat())
        [answer] = soup.select(".app-swap-answer")
        form = answer.select_one("form")
        hidden = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
        assert hidden["besoeg"] == str(scene.visit.id)

        assert client.post(form["action"], data=hidden).status_code == 302
        client.post(form["action"], data=hidden)  # a second tap answers nothing more

        db.session.expire_all()
        answers = db.session.scalars(
            select(SwapRequest).where(SwapRequest.from_standing_id == swap.id)
        ).all()
        assert [(a.visit_id, a.status) for a in answers] == [(scene.visit.id, SwapStatus.ACCEPTED)]
        assert db.session.get(SwapRequest, swap.id).status is SwapStatus.REQUESTED
        assert [event.value for event, _ in _told()] == ["swap_accepted"]
        first = page.get("staff.visits", dag=scene.visit.day.isoformat())
        assert first.select(".app-swap-answer") == []
        assert "Sagt ja" in first.select_one(".app-wishes").get_text()
        assert "Stående bytte" not in first.select_one(".app-wishes").get_text()
        second = page.get("staff.visits", dag=later.day.isoformat())
        assert len(second.select(".app-swap-answer")) == 1

    # On the day, the record confirms the yes given ahead; it asks no second answer.
    with time_machine.travel(datetime(2026, 11, 24, 8, 0, tzinfo=UTC), tick=False):
        sign_in_staff(client, scene.worker)  # a new day, a new sign-in
        soup = page.get("staff.record_visit", visit_id=scene.visit.id)
    checked = {i["name"]: i["value"] for i in soup.select("input[type=radio][checked]")}
    assert checked[f"swap_{answers[0].id}"] == "accept"
    assert f"swap_{swap.id}" not in checked


def test_a_standing_swap_answered_for_a_visit_outside_its_period_or_citizen_is_refused(
    client, page, factories
):
    with time_machine.travel(datetime(2026, 11, 23, 8, 0, tzinfo=UTC), tick=False):
        scene, swap, later = _standing_scene(factories)
        outside = factories.Visit(citizen=scene.citizen, day=later.day + timedelta(days=1))
        stranger = factories.Visit(
            citizen=factories.Citizen(
                municipality=scene.citizen.municipality, team=scene.citizen.team
            ),
            day=scene.visit.day,
        )
        db.session.commit()
        sign_in_staff(client, scene.worker)
        url = f"/personale/bytte/{swap.id}/svar"
        for visit_id in (outside.id, stranger.id, "", "99999999999999999999"):
            assert client.get(url, query_string={"besoeg": visit_id}).status_code == 404
            page.post(
                "staff.answer_swap",
                {"answer": "yes", "besoeg": visit_id},
                swap_id=swap.id,
                expected_status=404,
            )
    db.session.expire_all()
    assert (
        db.session.scalars(
            select(SwapRequest).where(SwapRequest.from_standing_id.is_not(None))
        ).all()
        == []
    )
    assert _told() == []
