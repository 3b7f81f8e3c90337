"""Flags for a municipality with citizens under both laws (DOMAIN.md "Ældreloven").

An AEL citizen gets the two AEL flags (repeated element declines, reading of ÆL § 1 stk. 2;
priorities not met, reading of ÆL § 11) and never the time-deviation flag (reading: no
minutes under Ældreloven); a SEL citizen is evaluated exactly as before.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from selvvisitation.domain.types import (
    ElementOutcome,
    FlagRule,
    FlagStatus,
    Frequency,
    LegalBasis,
    PriorityNotMetReason,
    PriorityStatus,
    VisitServiceOutcome,
)
from selvvisitation.extensions import db
from selvvisitation.models import Case, Decision, Flag
from selvvisitation.services.flags import evaluate_citizen, evaluate_municipality

AS_OF = date(2026, 6, 30)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@pytest.fixture
def ael_citizen(factories):
    """An AEL citizen with a forløb of one element (personal care)."""

    def make(citizen=None):
        granted = factories.GrantedElement(
            decision__citizen=citizen or factories.Citizen(),
            decision__valid_from=AS_OF - timedelta(days=200),
        )
        return granted.decision.citizen, granted.element

    return make


@pytest.fixture
def element_visit(factories):
    def make(citizen, element, days_ago, outcome=ElementOutcome.DECLINED):
        day = AS_OF - timedelta(days=days_ago)
        visit = factories.Visit(citizen=citizen, day=day, recorded_at=_at(day))
        return factories.VisitElement(visit=visit, element=element, outcome=outcome)

    return make


@pytest.fixture
def unmet(factories):
    def make(citizen, days_ago, reason=PriorityNotMetReason.SAFETY, with_visit=True):
        day = AS_OF - timedelta(days=days_ago)
        visit = factories.Visit(citizen=citizen, day=day, recorded_at=_at(day))
        return factories.VisitPriority(
            citizen=citizen,
            visit=visit if with_visit else None,
            status=PriorityStatus.NOT_MET,
            not_met_reason=reason,
            answered_at=_at(day),
            text="Et bad i stedet for rengøring",
        )

    return make


def _sel_deviation(factories, citizen, days_ago_list, delivered=45):
    """SEL visits delivering 45 of 30 granted minutes: a time deviation under seed 003."""
    decision = citizen.current_decision or factories.Decision(
        citizen=citizen, valid_from=AS_OF - timedelta(days=400)
    )
    grant = factories.GrantedService(
        decision=decision,
        service=factories.Service(municipality=citizen.municipality),
        minutes_per_delivery=30,
        frequency=Frequency.WEEKLY,
        weekdays="0",
        start_date=AS_OF - timedelta(days=400),
    )
    for days_ago in days_ago_list:
        day = AS_OF - timedelta(days=days_ago)
        factories.VisitService(
            visit=factories.Visit(citizen=citizen, day=day, recorded_at=_at(day)),
            service=grant.service,
            granted_service=grant,
            planned_minutes=30,
            delivered_minutes=delivered,
            outcome=VisitServiceOutcome.CHANGED,
        )
    return grant


def test_three_declines_of_an_element_open_a_flag_with_a_case(ael_citizen, element_visit):
    """Reading of ÆL § 1 stk. 2 (DOMAIN.md Ældreloven): 3 declines in 90 days ask for a look."""
    citizen, element = ael_citizen()
    for days_ago in (80, 40, 1):
        element_visit(citizen, element, days_ago)
    element_visit(citizen, element, 20, ElementOutcome.DONE)

    report = evaluate_municipality(db.session, citizen.municipality_id, as_of=AS_OF)
    db.session.commit()

    [opened] = report.opened
    assert opened.rule == FlagRule.REPEATED_ELEMENT_DECLINE
    assert opened.key == f"repeated_element_decline:{element.id}"
    flag = db.session.get(Flag, opened.flag_id)
    assert flag.service_id is None
    assert flag.evidence["count"] == 3
    assert flag.evidence["element_name"] == element.name_da
    assert flag.evidence["law"] == "Ældreloven § 1, stk. 2"
    case = db.session.get(Case, opened.case_id)
    assert f"gentagne nej til {element.name_da}" in case.title


def test_a_cancelled_visit_or_a_done_element_is_no_decline(ael_citizen, element_visit):
    citizen, element = ael_citizen()
    element_visit(citizen, element, 30)
    element_visit(citizen, element, 10)
    cancelled = element_visit(citizen, element, 5)
    cancelled.visit.cancelled = True
    element_visit(citizen, element, 2, ElementOutcome.NOT_DONE)
    db.session.commit()
    report = evaluate_municipality(db.session, citizen.municipality_id, as_of=AS_OF)
    assert report.opened == []


def test_three_unmet_priorities_in_30_days_open_one_flag(ael_citizen, unmet):
    """Reading of ÆL § 11 (DOMAIN.md Ældreloven): the forløb may not fit."""
    citizen, _ = ael_citizen()
    unmet(citizen, 25)
    unmet(citizen, 12, PriorityNotMetReason.WORK_ENVIRONMENT)
    unmet(citizen, 3, with_visit=False)  # a standing priority, answered that day
    unmet(citizen, 45)  # outside the 30 days

    report = evaluate_citizen(db.session, citizen.id, as_of=AS_OF)
    db.session.commit()

    [opened] = report.opened
    assert opened.rule == FlagRule.PRIORITIES_NOT_MET
    flag = db.session.get(Flag, opened.flag_id)
    assert flag.evidence["count"] == 3
    assert flag.evidence["reasons"] == {"safety": 2, "work_environment": 1, "other": 0}
    assert flag.evidence["law"] == "Ældreloven § 11"


def test_met_or_withdrawn_priorities_do_not_count(ael_citizen, unmet):
    citizen, _ = ael_citizen()
    unmet(citizen, 20)
    unmet(citizen, 10)
    met = unmet(citizen, 5)
    met.status = PriorityStatus.MET
    db.session.commit()
    assert evaluate_citizen(db.session, citizen.id, as_of=AS_OF).opened == []


def test_both_laws_in_one_run(factories, ael_citizen, element_visit):
    """Reading (DOMAIN.md Ældreloven): no time-deviation flag for an AEL citizen, even with
    minutes on her visits; the SEL citizen beside her is flagged as before (seed 003)."""
    municipality = factories.Municipality()
    sel = factories.Citizen(municipality=municipality)
    _sel_deviation(factories, sel, (28, 21, 14, 7, 0))
    ael, element = ael_citizen(factories.Citizen(municipality=municipality))
    _sel_deviation(factories, ael, (28, 21, 14, 7, 0))
    for days_ago in (60, 30, 2):
        element_visit(ael, element, days_ago)

    report = evaluate_municipality(db.session, municipality.id, as_of=AS_OF)
    db.session.commit()

    rules = {(o.citizen_id, o.rule) for o in report.opened}
    assert rules == {
        (sel.id, FlagRule.TIME_DEVIATION),
        (ael.id, FlagRule.REPEATED_ELEMENT_DECLINE),
    }
    assert report.citizens_evaluated == 2


def test_moving_to_ael_closes_the_open_sel_flags_with_that_reason(factories, ael_citizen):
    """Reading (DOMAIN.md Ældreloven; Serviceloven § 2 stk. 5): after the move the § 94 a
    rules no longer apply; the flag is closed, never deleted, with a reason."""
    citizen = factories.Citizen()
    _sel_deviation(factories, citizen, (28, 21, 14, 7, 0))
    first = evaluate_citizen(db.session, citizen.id, as_of=AS_OF)
    db.session.commit()
    [opened] = first.opened
    assert opened.rule == FlagRule.TIME_DEVIATION

    old = citizen.current_decision
    newer = factories.AelDecision(citizen=citizen, version=2, valid_from=AS_OF)
    newer_id = newer.id  # loaded before the change: a later load would autoflush half of it
    old.superseded_at = _at(AS_OF)
    old.superseded_by_id = newer_id
    db.session.commit()

    second = evaluate_citizen(db.session, citizen.id, as_of=AS_OF)
    db.session.commit()
    [closed] = second.closed
    assert closed.flag_id == opened.flag_id
    assert "ældreloven" in closed.reason
    assert db.session.get(Flag, opened.flag_id).status == FlagStatus.CLOSED
    assert second.opened == []


def test_an_ael_flag_closes_with_its_own_reason_when_it_no_longer_holds(ael_citizen, element_visit):
    citizen, element = ael_citizen()
    for days_ago in (80, 40, 1):
        element_visit(citizen, element, days_ago)
    evaluate_citizen(db.session, citizen.id, as_of=AS_OF)
    db.session.commit()

    later = evaluate_citizen(db.session, citizen.id, as_of=AS_OF + timedelta(days=15))
    db.session.commit()
    [closed] = later.closed
    assert "færre end 3 gange de seneste 90 dage" in closed.reason
    assert "§ 1, stk. 2" in closed.reason


def test_a_dismissed_decline_flag_needs_new_declines(factories, ael_citizen, element_visit):
    citizen, element = ael_citizen()
    for days_ago in (80, 40, 1):
        element_visit(citizen, element, days_ago)
    [opened] = evaluate_citizen(db.session, citizen.id, as_of=AS_OF).opened
    flag = db.session.get(Flag, opened.flag_id)
    flag.status = FlagStatus.DISMISSED
    flag.dismissed_at = _at(AS_OF)
    db.session.commit()

    again = evaluate_citizen(db.session, citizen.id, as_of=AS_OF + timedelta(days=1))
    assert again.opened == []


def test_the_sel_rules_do_not_see_an_ael_citizen_s_current_decision_as_sel(factories):
    """The basis that counts is the current decision version's."""
    decision = factories.AelDecision()
    assert (
        db.session.scalar(select(Decision.legal_basis).where(Decision.id == decision.id))
        == LegalBasis.AEL
    )


def test_one_citizen_s_law_is_her_newest_decision_version_s_whatever_the_row_order(
    factories, ael_citizen, element_visit
):
    """The basis that counts is the current decision version's (DOMAIN.md "Ældreloven": a
    citizen moves from SEL to a forløb by a new decision version). Where an older SEL version
    is still not marked superseded, and its row lies after the AEL one, the newest version
    still decides which law's rules one citizen's evaluation asks: not the row order."""
    citizen, element = ael_citizen()
    [ael] = citizen.decisions
    ael.version = 2
    db.session.flush()
    # Inserted after the AEL row, so a query without an order reads it last.
    factories.Decision(citizen=citizen, version=1, valid_from=AS_OF - timedelta(days=300))
    db.session.commit()
    for days_ago in (80, 40, 1):
        element_visit(citizen, element, days_ago)

    report = evaluate_citizen(db.session, citizen.id, as_of=AS_OF)

    assert [o.rule for o in report.opened] == [FlagRule.REPEATED_ELEMENT_DECLINE]


def test_a_municipality_s_evaluation_takes_the_same_newest_version_as_one_citizen_s(
    factories, ael_citizen, element_visit
):
    """The same reading for the whole municipality: a newer SEL version not superseded wins
    over an older AEL one, so the AEL rules are not asked for her."""
    citizen, element = ael_citizen()
    factories.Decision(citizen=citizen, version=2, valid_from=AS_OF - timedelta(days=10))
    db.session.commit()
    for days_ago in (80, 40, 1):
        element_visit(citizen, element, days_ago)

    by_municipality = evaluate_municipality(db.session, citizen.municipality_id, as_of=AS_OF)
    by_citizen = evaluate_citizen(db.session, citizen.id, as_of=AS_OF)

    assert by_municipality.opened == by_citizen.opened == []
