"""Recording a visit as it went (issue 5; DOMAIN.md rules 1-6, seeds 002 §8 and 004 §1.3.3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from selvvisitation.domain.dates import local_today, utc_now
from selvvisitation.domain.types import (
    DeclineReason,
    FlagRule,
    SwapStatus,
    VisitServiceOutcome,
)
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, Flag, SwapRequest, Visit, VisitService
from selvvisitation.services.staff_visits import open_visit_record, wishes_for
from tests.clock import JUST_AFTER_MIDNIGHT, MONDAY
from tests.pages import sign_in_staff
from tests.staff.helpers import other_team_staff, visit_scene, wished_swap
from tests.unit_of_work import nothing_written_when_the_audit_entry_is_refused

pytestmark = pytest.mark.today(MONDAY)

DELIVERED = VisitServiceOutcome.DELIVERED.value
DROPPED = VisitServiceOutcome.DROPPED.value
CHANGED = VisitServiceOutcome.CHANGED.value
NOT_DELIVERED = VisitServiceOutcome.NOT_DELIVERED.value


def counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(VisitService)),
        db.session.scalar(select(func.count()).select_from(SwapRequest)),
        db.session.scalar(
            select(func.count()).select_from(Visit).where(Visit.recorded_at.is_not(None))
        ),
    )


def record(scene, **answers):
    vacuum, shower = scene.items
    data = {
        f"outcome_{vacuum.id}": DELIVERED,
        f"outcome_{shower.id}": DELIVERED,
        "instead_service_0": "",
        "instead_service_1": "",
        "instead_service_2": "",
    }
    for key, value in answers.items():
        key = key.replace("VAC", str(vacuum.id)).replace("SHOWER", str(shower.id))
        data[key] = value
    return data


def error_texts(soup) -> list[str]:
    return [a.get_text(" ", strip=True) for a in soup.select(".alert-error li a")]


def post(page, scene, data, status=302):
    return page.post("staff.save_visit", data, expected_status=status, visit_id=scene.visit.id)


def test_the_record_page_asks_about_each_planned_service_and_each_wished_swap(
    client, page, factories
):
    scene = visit_scene(factories)
    wished_swap(
        scene.citizen,
        drop=scene.services["PH-STOEV"],
        add=scene.services["FL-GAATUR"],
        visit=scene.visit,
    )
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.record_visit", visit_id=scene.visit.id)
    legends = [legend.get_text(strip=True) for legend in soup.select("fieldset legend")]
    assert "Støvsugning" in legends and "Bad" in legends
    assert "Blev byttet gjort?" in legends
    assert soup.select_one(".app-wishes") is not None
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "read", AuditEntry.object_type == "visit")
        )
        == 1
    )


def test_the_law_quoted_on_an_english_record_page_is_marked_as_danish(client, page, factories):
    """WCAG 2.1 SC 3.1.2 (Language of Parts): the rule 6 notice quotes the law in Danish
    (004 footnote 2); a screen reader must read it as Danish on an English page."""
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    with client.session_transaction() as session:
        session["lang"] = "en"
    soup = page.get("staff.record_visit", visit_id=scene.visit.id)
    quote = soup.select_one("blockquote.app-legal")
    assert "kan du ikke bagefter kræve" in quote.select_one('[lang="da"]').text
    assert "in Danish" in quote.text


def test_the_minutes_fields_ask_for_the_number_keys_but_stay_text_inputs(client, page, factories):
    """GOV.UK's whole-number pattern: inputmode numeric, type text, so our message shows."""
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.record_visit", visit_id=scene.visit.id)
    minutes = soup.select("input[name^=minutes_], input[name^=instead_minutes_]")
    assert minutes
    assert {(m.get("type"), m.get("inputmode")) for m in minutes} == {("text", "numeric")}


def test_a_visit_delivered_as_planned_is_recorded_with_the_planned_minutes(client, page, factories):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    response = post(page, scene, record(scene, outcome_VAC=CHANGED, minutes_VAC="25"))
    assert response.location.endswith(f"/personale/besoeg/{scene.visit.id}")
    db.session.expire_all()
    visit = db.session.get(Visit, scene.visit.id)
    assert visit.recorded_by_staff_id == scene.worker.id
    assert [(s.outcome, s.delivered_minutes) for s in visit.services] == [
        (VisitServiceOutcome.CHANGED, 25),
        (VisitServiceOutcome.DELIVERED, 30),
    ]
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "update", AuditEntry.citizen_id == scene.citizen.id)
        )
        == 1
    )
    soup = page.get("staff.record_visit", visit_id=scene.visit.id)
    assert "Besøget er registreret." in soup.select_one(".app-flash").get_text()
    assert soup.select("form.app-record-form") == []


def test_an_accepted_swap_is_recorded_with_the_help_done_instead(client, page, factories):
    """Rule 5 (002 §8): the worker accepts the wished swap on the day; rule 4 holds."""
    scene = visit_scene(factories)
    swap = wished_swap(
        scene.citizen,
        drop=scene.services["PH-STOEV"],
        add=scene.services["FL-GAATUR"],
        visit=scene.visit,
    )
    sign_in_staff(client, scene.worker)
    post(
        page,
        scene,
        record(
            scene,
            outcome_VAC=DROPPED,
            instead_service_0="FL-GAATUR",
            instead_minutes_0="30",
            **{f"swap_{swap.id}": "accept"},
        ),
    )
    db.session.expire_all()
    swap = db.session.get(SwapRequest, swap.id)
    assert swap.status is SwapStatus.ACCEPTED
    assert swap.decided_by_staff_id == scene.worker.id
    visit = db.session.get(Visit, scene.visit.id)
    outcomes = [(s.service.code, s.outcome, s.delivered_minutes, s.swap_id) for s in visit.services]
    assert outcomes == [
        ("PH-STOEV", VisitServiceOutcome.DROPPED, 0, swap.id),
        ("PP-BAD", VisitServiceOutcome.DELIVERED, 30, None),
        ("FL-GAATUR", VisitServiceOutcome.ADDED, 30, swap.id),
    ]
    assert db.session.scalar(select(func.count()).select_from(SwapRequest)) == 1


@pytest.mark.parametrize(
    "reason,text",
    [
        (DeclineReason.HYGIENE, ""),
        (DeclineReason.WORK_ENVIRONMENT, ""),
        (DeclineReason.OTHER, "Borgeren var syg og skulle have bad"),
    ],
)
def test_a_declined_swap_keeps_its_reason_and_the_granted_help_is_delivered(
    client, page, factories, reason, text
):
    """Rule 5 (002 §8, 004): not safe today, so the granted help is delivered."""
    scene = visit_scene(factories)
    swap = wished_swap(
        scene.citizen,
        drop=scene.services["PH-STOEV"],
        add=scene.services["FL-GAATUR"],
        visit=scene.visit,
    )
    sign_in_staff(client, scene.worker)
    post(
        page,
        scene,
        record(
            scene,
            **{
                f"swap_{swap.id}": "decline",
                f"reason_{swap.id}": reason.value,
                f"reason_text_{swap.id}": text,
            },
        ),
    )
    db.session.expire_all()
    swap = db.session.get(SwapRequest, swap.id)
    assert (swap.status, swap.decline_reason, swap.decline_text) == (
        SwapStatus.DECLINED,
        reason,
        text,
    )


def test_a_standing_wish_is_answered_for_this_visit_and_stays_for_the_next(client, page, factories):
    scene = visit_scene(factories)
    today = local_today()
    standing = wished_swap(
        scene.citizen,
        drop=scene.services["PH-STOEV"],
        add=scene.services["FL-GAATUR"],
        period=(today, today + timedelta(7)),
    )
    sign_in_staff(client, scene.worker)
    post(
        page,
        scene,
        record(
            scene,
            outcome_VAC=DROPPED,
            instead_service_0="FL-GAATUR",
            instead_minutes_0="30",
            **{f"swap_{standing.id}": "accept"},
        ),
    )
    db.session.expire_all()
    assert db.session.get(SwapRequest, standing.id).status is SwapStatus.REQUESTED
    child = db.session.scalars(
        select(SwapRequest).where(SwapRequest.visit_id == scene.visit.id)
    ).one()
    assert child.status is SwapStatus.ACCEPTED
    assert [(line.kind, line.minutes) for line in child.lines] == [("drop", 30), ("add", 30)]


def test_a_swap_agreed_at_the_door_needs_the_citizens_acknowledgement_and_is_kept(
    client, page, factories
):
    """Rule 6 (004 footnote 2, § 90): told before a granted service is dropped."""
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    data = record(scene, outcome_VAC=DROPPED, instead_service_0="PH-VINDUE", instead_minutes_0="30")
    soup_response = post(page, scene, data, status=400)
    assert "sæt kryds" in soup_response.get_data(as_text=True)
    post(page, scene, {**data, "acknowledged": "y"})
    swap = db.session.scalars(select(SwapRequest)).one()
    assert swap.status is SwapStatus.ACCEPTED and swap.acknowledged_cannot_demand_at is not None
    assert [line.kind for line in swap.lines] == ["drop", "add"]


def test_a_double_submit_creates_one_record(client, page, factories):
    scene = visit_scene(factories)
    swap = wished_swap(
        scene.citizen,
        drop=scene.services["PH-STOEV"],
        add=scene.services["FL-GAATUR"],
        visit=scene.visit,
    )
    sign_in_staff(client, scene.worker)
    data = record(
        scene,
        outcome_VAC=DROPPED,
        instead_service_0="FL-GAATUR",
        instead_minutes_0="30",
        **{f"swap_{swap.id}": "accept"},
    )
    post(page, scene, data)
    after_first = counts()
    response = post(page, scene, data)
    assert response.location.endswith(f"/personale/besoeg/{scene.visit.id}")
    assert counts() == after_first == (3, 1, 1)


BAD_INPUT = [
    ({"outcome_VAC": ""}, "Vælg, hvad der skete med Støvsugning"),
    ({"outcome_VAC": "stolen"}, "Vælg, hvad der skete med Støvsugning"),
    ({"outcome_VAC": CHANGED}, "Skriv, hvor mange minutter det tog"),
    (
        {"outcome_VAC": CHANGED, "minutes_VAC": "en halv time"},
        "Skriv antal minutter som et helt tal, for eksempel 20",
    ),
    ({"outcome_VAC": CHANGED, "minutes_VAC": "999"}, "Antal minutter skal være mellem 1 og 480"),
    (
        {"instead_minutes_0": "20"},
        "Vælg den hjælp, der blev gjort i stedet, eller fjern minutterne",
    ),
    (
        {"outcome_VAC": DROPPED, "instead_service_0": "FL-GAATUR"},
        "Skriv, hvor mange minutter det tog",
    ),
    (
        {"outcome_VAC": DROPPED, "instead_service_0": "FINDES-IKKE", "instead_minutes_0": "30"},
        "Vælg en ydelse fra listen",
    ),
    (
        {"outcome_VAC": DROPPED, "acknowledged": "y"},
        "Du har markeret en ydelse som fravalgt, men ikke hvad der blev gjort i stedet.",
    ),
    (
        {"instead_service_0": "FL-GAATUR", "instead_minutes_0": "30"},
        "Du har skrevet hjælp gjort i stedet, men ingen ydelse er fravalgt.",
    ),
    (
        {
            "outcome_VAC": DROPPED,
            "instead_service_0": "FL-GAATUR",
            "instead_minutes_0": "45",
            "acknowledged": "y",
        },
        "Hjælpen i stedet tager 45 minutter, men der er kun 30 minutter",
    ),
    (
        {"outcome_VAC": DROPPED, "instead_service_0": "FL-GAATUR", "instead_minutes_0": "30"},
        "Fortæl borgeren, at en fravalgt ydelse ikke kan kræves leveret bagefter",
    ),
    (
        {
            "outcome_VAC": DROPPED,
            "instead_service_0": "PH-VINDUE",
            "instead_minutes_0": "30",
            "instead_text_1": "Ordne blomster",
            "instead_minutes_1": "5",
            "acknowledged": "y",
        },
        "Kommunen tillader ikke hjælp uden for serviceniveauet",
    ),
    ({"note": "x" * 2001}, "Skriv højst 2000 tegn"),
]


@pytest.mark.parametrize("answers,message", BAD_INPUT)
def test_bad_input_is_explained_in_plain_danish_and_nothing_is_saved(
    client, page, factories, answers, message
):
    """Rules 1, 4 and 6 (004 §1.3.3, 002 §8) checked before anything is saved."""
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    before = counts()
    response = post(page, scene, record(scene, **answers), status=400)
    from tests.pages import check_page

    soup = check_page(response.get_data(as_text=True))
    assert soup.title.get_text().startswith("Fejl: ")
    assert any(message in text for text in error_texts(soup)), error_texts(soup)
    assert counts() == before


SWAP_PROBLEMS = [
    ({}, "Vælg, om byttet blev gjort"),
    ({"swap": "decline"}, "Vælg, hvorfor byttet ikke blev gjort"),
    ({"swap": "decline", "reason": "other"}, "Beskriv grunden til, at byttet ikke blev gjort"),
    ({"swap": "accept"}, "Du har sagt ja til byttet. Markér Støvsugning som fravalgt af borgeren."),
    (
        {"swap": "accept", "outcome_VAC": DROPPED},
        "Du har sagt ja til byttet. Vælg Gåtur under hjælp gjort i stedet.",
    ),
    (
        {
            "swap": "decline",
            "reason": "hygiene",
            "outcome_VAC": DROPPED,
            "instead_service_0": "FL-GAATUR",
            "instead_minutes_0": "30",
            "acknowledged": "y",
        },
        "Du har sagt nej til byttet, så Støvsugning skal leveres.",
    ),
]


@pytest.mark.parametrize("answers,message", SWAP_PROBLEMS)
def test_each_wished_swap_needs_a_clear_answer_before_the_record_is_saved(
    client, page, factories, answers, message
):
    """Rule 5 (002 §8): the worker's judgement is recorded, with a reason when declined."""
    scene = visit_scene(factories)
    swap = wished_swap(
        scene.citizen,
        drop=scene.services["PH-STOEV"],
        add=scene.services["FL-GAATUR"],
        visit=scene.visit,
    )
    sign_in_staff(client, scene.worker)
    before = counts()
    renamed = {}
    for key, value in answers.items():
        if key in ("swap", "reason"):
            renamed[f"{key}_{swap.id}"] = value
        else:
            renamed[key] = value
    response = post(page, scene, record(scene, **renamed), status=400)
    from tests.pages import check_page

    assert any(
        message in text for text in error_texts(check_page(response.get_data(as_text=True)))
    ), error_texts(check_page(response.get_data(as_text=True)))
    assert counts() == before
    db.session.expire_all()
    assert db.session.get(SwapRequest, swap.id).status is SwapStatus.REQUESTED


def test_a_swap_wished_while_the_form_was_open_must_be_answered_too(client, page, factories):
    """A relative's swap that arrives meanwhile is read under the lock, never overlooked."""
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    data = record(scene)
    wished_swap(
        scene.citizen,
        drop=scene.services["PH-STOEV"],
        add=scene.services["FL-GAATUR"],
        visit=scene.visit,
    )
    before = counts()
    response = post(page, scene, data, status=400)
    assert "Vælg, om byttet blev gjort" in response.get_data(as_text=True)
    assert counts() == before


def test_a_visit_of_another_team_can_neither_be_seen_nor_recorded(client, page, factories):
    scene = visit_scene(factories)
    stranger = other_team_staff(factories, scene)
    sign_in_staff(client, stranger)
    before = counts()
    assert client.get(f"/personale/besoeg/{scene.visit.id}").status_code == 404
    post(page, scene, record(scene), status=404)
    assert counts() == before
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_a_visit_in_the_future_cannot_be_recorded(client, page, factories):
    scene = visit_scene(factories, day=local_today() + timedelta(days=1))
    sign_in_staff(client, scene.worker)
    before = counts()
    post(page, scene, record(scene))
    assert counts() == before


@pytest.mark.today(JUST_AFTER_MIDNIGHT)
def test_at_half_past_midnight_the_days_visit_is_recorded_and_tomorrows_is_not(
    client, page, factories
):
    # 00:30 in Denmark is 23:30 UTC the day before (domain/dates.py): the night shift
    # records the visits of the Danish day, and the next Danish day is still the future.
    today = local_today()
    assert today == JUST_AFTER_MIDNIGHT.date() + timedelta(days=1)
    tonight = visit_scene(factories, day=today)
    sign_in_staff(client, tonight.worker)
    post(page, tonight, record(tonight))
    assert counts()[2] == 1

    tomorrow = visit_scene(factories, day=today + timedelta(days=1))
    sign_in_staff(client, tomorrow.worker)
    post(page, tomorrow, record(tomorrow))
    assert counts()[2] == 1


def test_saving_the_record_evaluates_the_citizens_flags_at_once(client, page, factories):
    """Rule 7 (004 §1.3.3, 002 §8): repeated deselection asks the visitator to reassess."""
    scene = visit_scene(factories)
    scene.citizen.municipality.policy.deselection_threshold_count = 1
    db.session.commit()
    sign_in_staff(client, scene.worker)
    post(
        page,
        scene,
        record(
            scene,
            outcome_VAC=DROPPED,
            instead_service_0="FL-GAATUR",
            instead_minutes_0="30",
            acknowledged="y",
        ),
    )
    flag = db.session.scalars(select(Flag)).one()
    assert (flag.citizen_id, flag.rule) == (scene.citizen.id, FlagRule.REPEATED_DESELECTION)


def test_opening_the_record_page_whose_audit_entry_fails_marks_nothing_seen(
    factories, audit_log_refuses
):
    """Seed 002 §8 (the worker answers each wish) and the log of who read what
    (security/audit.py): the read is audited and the wish seen together, or neither (issue 16)."""
    scene = visit_scene(factories)
    wished_swap(scene.citizen, drop=scene.services["PH-STOEV"], add=None, visit=scene.visit)
    wishes = wishes_for(db.session, [scene.visit])[scene.visit.id]
    nothing_written_when_the_audit_entry_is_refused(
        lambda: open_visit_record(db.session, scene.visit, wishes, utc_now())
    )


def test_opening_the_record_page_commits_the_read_with_the_wish_seen(factories):
    scene = visit_scene(factories)
    swap = wished_swap(scene.citizen, drop=scene.services["PH-STOEV"], add=None, visit=scene.visit)
    wishes = wishes_for(db.session, [scene.visit])[scene.visit.id]
    open_visit_record(db.session, scene.visit, wishes, utc_now())
    db.session.rollback()  # nothing left to roll back: the service committed
    assert db.session.get(SwapRequest, swap.id).seen_by_worker_at is not None
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.object_id, entry.purpose) == (str(scene.visit.id), "record_visit")
