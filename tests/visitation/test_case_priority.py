"""The queue's order (issue 12, "The visitator and the admin"): a request whose own words say
the citizen has fallen or got worse ("faldet", "dårligere", "hospital") is high priority,
with her words shown in the queue and on the case; the visitator can change it."""

from __future__ import annotations

from sqlalchemy import select

from selvvisitation.domain.types import ActorKind, CaseKind, CaseStatus
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, Case, CaseEvent
from selvvisitation.services.cases import open_case
from tests.pages import sign_in_staff


def request_from(citizen, text, actor_kind=ActorKind.CITIZEN) -> Case:
    case = open_case(
        db.session,
        citizen=citizen,
        kind=CaseKind.REASSESSMENT_REQUEST,
        title="Borgeren beder om revurdering",
        actor_kind=actor_kind,
        text=text,
    )
    db.session.commit()
    return case


def test_her_words_that_she_fell_make_the_request_high_priority(factories, visitator):
    citizen = factories.Citizen(municipality=visitator.municipality)
    urgent = request_from(citizen, "Jeg er faldet to gange og har det dårligere")
    routine = request_from(citizen, "Jeg vil gerne have mere rengøring")
    assert (urgent.priority, urgent.priority_words) == (1, "faldet, dårligere")
    assert (routine.priority, routine.priority_words) == (2, "")


def test_a_relatives_words_count_too_but_not_a_workers_report(factories, visitator):
    citizen = factories.Citizen(municipality=visitator.municipality)
    by_relative = request_from(citizen, "Mor kom på hospitalet i går", ActorKind.RELATIVE)
    by_staff = request_from(citizen, "Borgeren er faldet", ActorKind.STAFF)
    assert by_relative.priority == 1
    # A worker's report has its own rules for urgency; her words are the citizen's side.
    assert (by_staff.priority, by_staff.priority_words) == (2, "")


def test_the_queue_shows_her_words_and_puts_the_case_first(page, client, factories, visitator):
    citizen = factories.Citizen(municipality=visitator.municipality, name="Else Ens")
    request_from(factories.Citizen(municipality=visitator.municipality), "Mere rengøring")
    request_from(citizen, "Min far er faldet")
    sign_in_staff(client, visitator)
    soup = page.get("visitation.queue")
    first = soup.select_one("table.app-queue tbody tr")
    assert first.select_one("a").text == "Else Ens"
    assert "Høj" in first.select("td")[0].text
    assert "Henvendelsen siger: faldet" in first.select("td")[0].text


def test_the_visitator_changes_the_priority_with_an_event_and_an_audit_entry(
    page, client, factories, visitator
):
    case = request_from(factories.Citizen(municipality=visitator.municipality), "Hun er faldet")
    sign_in_staff(client, visitator)
    soup = page.get("visitation.case_priority", case_id=case.id)
    assert soup.select_one("input[name=priority][value='1']").has_attr("checked")
    assert "fordi der står i henvendelsen: faldet" in soup.get_text()
    page.post("visitation.case_priority", {"priority": "2"}, case_id=case.id)
    db.session.expire_all()
    assert db.session.get(Case, case.id).priority == 2
    event = db.session.scalars(select(CaseEvent).where(CaseEvent.kind == "priority_changed")).one()
    assert event.data == {"before": 1, "after": 2}
    assert db.session.scalars(
        select(AuditEntry).where(AuditEntry.detail["action"].as_string() == "priority_changed")
    ).one()


def test_an_unknown_priority_is_refused_in_danish_and_nothing_is_written(
    page, client, factories, visitator
):
    case = request_from(factories.Citizen(municipality=visitator.municipality), "Hun er faldet")
    sign_in_staff(client, visitator)
    response = page.post(
        "visitation.case_priority", {"priority": "7"}, case_id=case.id, expected_status=200
    )
    assert "Vælg høj, normal eller lav prioritet" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).priority == 1
    assert not db.session.scalars(
        select(CaseEvent).where(CaseEvent.kind == "priority_changed")
    ).all()


def test_a_closed_case_keeps_its_priority(page, client, factories, visitator):
    case = request_from(factories.Citizen(municipality=visitator.municipality), "Hun er faldet")
    case.status = CaseStatus.CLOSED
    db.session.commit()
    sign_in_staff(client, visitator)
    page.post("visitation.case_priority", {"priority": "3"}, case_id=case.id)
    db.session.expire_all()
    assert db.session.get(Case, case.id).priority == 1
