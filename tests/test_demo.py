"""The demo municipality: catalogue from seed 002, people made up, logins printed."""

import re
from datetime import date

from sqlalchemy import func, select

from selvvisitation.demo.ael import basis_counts
from selvvisitation.demo.esbjerg_catalogue import CATALOGUE, catalogue_document
from selvvisitation.demo.seed import HISTORY_WEEKS, build_demo
from selvvisitation.domain import fsiii_elderly
from selvvisitation.domain.types import (
    ElementOutcome,
    FlagRule,
    LegalBasis,
    PriorityStatus,
    ServiceCategory,
    StaffRole,
    VisitServiceOutcome,
)
from selvvisitation.extensions import db
from selvvisitation.models import (
    CareProgramme,
    Case,
    Citizen,
    Consent,
    PriorityExample,
    Service,
    StaffUser,
    SwapRequest,
    Visit,
    VisitElement,
    VisitPriority,
    VisitService,
)
from selvvisitation.services.interchange import import_document, validate_document


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_demo_has_a_catalogue_people_decisions_and_ten_weeks_of_history():
    result = build_demo(db.session, today=date(2026, 11, 23))
    db.session.commit()

    assert _count(Citizen) == 70
    assert {s.role for s in db.session.scalars(select(StaffUser))} == set(StaffRole)
    assert _count(Consent) >= 5
    categories = {s.category for s in db.session.scalars(select(Service))}
    assert categories == set(ServiceCategory)
    # Seeds give no minutes (DOMAIN.md "Service levels"): every demo minute is a placeholder.
    assert _count(Service, Service.minutes_are_placeholder.is_(False)) == 0
    first_visit = db.session.scalar(select(func.min(Visit.day)))
    assert (date(2026, 11, 23) - first_visit).days <= HISTORY_WEEKS * 7
    assert _count(VisitService, VisitService.outcome == VisitServiceOutcome.DROPPED) > 10
    assert _count(SwapRequest) > 10
    assert all(c.current_decision is not None for c in db.session.scalars(select(Citizen)))
    assert result.built_to_be_flagged, "some citizens are built to be flagged"


def test_seed_demo_prints_logins_that_work_and_can_be_run_again(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    logins = dict(re.findall(r"^\s+visitator\s+(visitator)\s+(\S+)$", first.output, re.M))
    password = logins["visitator"]

    assert "Flags raised from the demo history:" in first.output
    # Issue 11: `make run` prints how many citizens are on each basis.
    assert "Ældreloven § 10 (helhedspleje): 30" in first.output
    assert _count(Case) > 0, "the visitators' queue is not empty in the demo"

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    assert "exists already" in again.output
    assert "Ældreloven § 10 (helhedspleje): 30" in again.output
    assert _count(Citizen) == 70, "running it twice creates nothing new"
    new_password = re.search(r"^\s+visitator\s+visitator\s+(\S+)$", again.output, re.M).group(1)
    assert new_password != password

    from tests.pages import check_page, csrf_token

    response = client.post(
        "/log-ind/personale",
        data={"username": "visitator", "password": new_password, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/visitation/"

    # Issue 14: the demo shows the inbox: the daughter's unanswered message to the visitation,
    # and on the citizen's side her team's answer, new to her.
    inbox = check_page(client.get("/personale/beskeder").get_data(as_text=True))
    (row,) = inbox.select(".app-inbox > li")
    assert " ".join(row.get_text(" ", strip=True).split()).startswith(
        "Inger Jensen 1 ulæst besked Svar senest"
    )
    inger = db.session.scalars(select(Citizen).where(Citizen.name == "Inger Jensen")).one()
    client.post(
        "/log-ind/demo", data={"person": f"citizen:{inger.id}", "csrf_token": csrf_token(client)}
    )
    threads = check_page(client.get("/borger/beskeder").get_data(as_text=True))
    assert len(threads.select(".app-threads .app-new")) == 1
    team = check_page(client.get("/borger/beskeder/team").get_data(as_text=True)).get_text()
    assert "Jeg skal til frisør kl. 9." in team and "Mette, Team Centrum" in team
    visitation = check_page(client.get("/borger/beskeder/visitation").get_data(as_text=True))
    assert "Susanne Jensen" in visitation.get_text() and "badekarret" in visitation.get_text()


def test_the_demo_runs_both_laws_side_by_side():
    """Issue 11 / DOMAIN.md "Ældreloven": under 67 on SEL, most over 67 on AEL helhedspleje, a
    few over 67 not yet re-visited (still SEL); a placeholder forløb catalogue with FSIII
    codes; AEL visits carry element lines, not minutes; 10 weeks of AEL history."""
    today = date(2026, 11, 23)
    result = build_demo(db.session, today=today)
    db.session.commit()

    counts = basis_counts(db.session, result.municipality, today)
    assert (counts.sel_under_age, counts.sel_over_age, counts.ael) == (35, 5, 30)
    assert counts.ael > 4 * counts.sel_over_age, "most citizens over 67 are on Ældreloven"

    programmes = db.session.scalars(select(CareProgramme)).all()
    assert {p.name_da for p in programmes} == {
        "Hjælp i hverdagen",
        "Pleje og omsorg",
        "Kort forløb efter udskrivelse",
    }
    assert all(p.is_placeholder for p in programmes), "our placeholders are labelled"
    codes = {e.fsiii_code for p in programmes for e in p.elements}
    assert codes <= set(fsiii_elderly.BY_CODE)
    assert _count(PriorityExample) == 4

    ael_visits = select(Visit.id).join(VisitElement, VisitElement.visit_id == Visit.id)
    assert _count(VisitService, VisitService.visit_id.in_(ael_visits)) == 0, "no minutes"
    assert _count(Visit, Visit.id.in_(ael_visits), Visit.time_frame_minutes != 0) == 0
    first_ael_day = db.session.scalar(select(func.min(Visit.day)).where(Visit.id.in_(ael_visits)))
    assert (today - first_ael_day).days == HISTORY_WEEKS * 7
    assert _count(VisitElement, VisitElement.outcome == ElementOutcome.DECLINED) >= 15
    assert _count(VisitPriority, VisitPriority.status == PriorityStatus.NOT_MET) == 12
    assert (
        _count(
            VisitPriority,
            VisitPriority.not_met_reason.is_(None),
            VisitPriority.status == PriorityStatus.NOT_MET,
        )
        == 0
    )
    ael = [
        c
        for c in db.session.scalars(select(Citizen))
        if c.current_decision.legal_basis == LegalBasis.AEL
    ]
    for citizen in ael:
        decision = citizen.current_decision
        assert decision.care_programme is not None and decision.granted_elements
        assert decision.goals and decision.visit_frequency_text and decision.follow_up_date
        assert decision.provider_id == citizen.provider_id
        assert not decision.granted_services


def test_the_demo_queue_gets_ael_flags_and_no_time_deviation_for_ael_citizens():
    """`flask evaluate-flags` on the demo opens AEL decline flags and no time-deviation flag
    for any AEL citizen (issue 11, done-when)."""
    from selvvisitation.services.flags import evaluate_municipality

    today = date(2026, 11, 23)
    result = build_demo(db.session, today=today)
    db.session.commit()
    report = evaluate_municipality(db.session, result.municipality.id, as_of=today)
    ael_ids = {
        c.id
        for c in db.session.scalars(select(Citizen))
        if c.current_decision.legal_basis == LegalBasis.AEL
    }
    rules = {(o.rule, o.citizen_id in ael_ids) for o in report.opened}
    assert (FlagRule.REPEATED_ELEMENT_DECLINE, True) in rules
    assert (FlagRule.PRIORITIES_NOT_MET, True) in rules
    assert (FlagRule.TIME_DEVIATION, True) not in rules
    assert (FlagRule.TIME_DEVIATION, False) in rules


def test_the_demo_plans_a_worker_for_most_visits_and_leaves_some_to_the_team():
    """Issue 14: the calendar shows who is coming, or "en fra Team ..." when no one is planned."""
    build_demo(db.session, today=date(2026, 11, 23))
    db.session.commit()
    planned = _count(Visit, Visit.planned_staff_id.is_not(None))
    unplanned = _count(Visit, Visit.planned_staff_id.is_(None))
    assert planned > 0 and unplanned > 0
    workers = db.session.scalars(
        select(StaffUser).join(Visit, Visit.planned_staff_id == StaffUser.id).distinct()
    ).all()
    assert {w.role for w in workers} == {StaffRole.HOME_CARE_WORKER}


def test_seed_demo_refuses_outside_demo_mode_and_writes_nothing(app):
    """Made-up citizens with e-mail settings must never land in a municipality's database
    (a real worker would send to them)."""
    app.config["DEMO_MODE"] = False
    try:
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    finally:
        app.config["DEMO_MODE"] = True
    assert result.exit_code == 1
    assert "only in demo mode" in result.output
    assert _count(Citizen) == 0


def test_the_demo_catalogue_is_an_import_document_that_imports_twice_without_change():
    """Issue 16: the demo's catalogue (seed 002) is a file in our own import format, loaded
    through the importer (docs/import-format.md), so the demo proves the importer too."""
    document = catalogue_document()
    assert validate_document(db.session, document) == []
    first = import_document(db.session, document)
    db.session.flush()
    stored = {s.code: s for s in db.session.scalars(select(Service))}
    again = import_document(db.session, document)
    assert first.problems == again.problems == []
    assert _count(Service) == len(CATALOGUE) == len(document["services"])
    for entry in CATALOGUE:
        service = stored[entry.code]
        assert (service.name_da, service.category, service.swappable) == (
            entry.name_da,
            entry.category,
            entry.swappable,
        )
        assert service.minutes_are_placeholder  # the seeds give no minutes (DOMAIN.md)
        assert service.swap_rule_text == entry.swap_rule_da  # 002's "mulighed for at bytte"
