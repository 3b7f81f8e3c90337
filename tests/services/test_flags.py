"""Revisitation flags evaluated against the database (services/flags/).

Rules: DOMAIN.md rule 7 (004 §1.3.3, 002 §8 "Fleksibel hjemmehjælp"): repeated
deselection asks for reassessment; 003 "Løbende justering/revisitation": delivered
time deviating more than 10 % for more than 14 days asks for adjustment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from selvvisitation.demo.seed import build_demo
from selvvisitation.domain.types import (
    CaseKind,
    CaseStatus,
    FlagRule,
    FlagStatus,
    Frequency,
    VisitServiceOutcome,
)
from selvvisitation.extensions import db
from selvvisitation.models import Case, CaseEvent, Citizen, Flag
from selvvisitation.services.flags import evaluate_citizen, evaluate_municipality

AS_OF = date(2026, 6, 30)  # a Tuesday
DROPPED = VisitServiceOutcome.DROPPED
DELIVERED = VisitServiceOutcome.DELIVERED
CHANGED = VisitServiceOutcome.CHANGED


@pytest.fixture
def granted(factories):
    """Return a maker of a citizen with one granted service (default: 30 min weekly)."""

    def make(*, citizen=None, minutes=30, frequency=Frequency.WEEKLY, weekdays="0", code=None):
        citizen = citizen or factories.Citizen()
        service = factories.Service(
            municipality=citizen.municipality, **({"code": code} if code else {})
        )
        decision = citizen.current_decision or factories.Decision(
            citizen=citizen, valid_from=AS_OF - timedelta(days=400)
        )
        return factories.GrantedService(
            decision=decision,
            service=service,
            minutes_per_delivery=minutes,
            frequency=frequency,
            weekdays=weekdays,
            start_date=AS_OF - timedelta(days=400),
        )

    return make


@pytest.fixture
def record(factories):
    """Return a recorder of one visit delivering (or dropping) a granted service."""

    def make(grant, days_ago, outcome, delivered=None):
        day = AS_OF - timedelta(days=days_ago)
        citizen = grant.decision.citizen
        visit = factories.Visit(
            citizen=citizen,
            day=day,
            recorded_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
        )
        if delivered is None:
            delivered = 0 if outcome is DROPPED else grant.minutes_per_delivery
        return factories.VisitService(
            visit=visit,
            service=grant.service,
            granted_service=grant,
            planned_minutes=grant.minutes_per_delivery,
            delivered_minutes=delivered,
            outcome=outcome,
        )

    return make


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_data_flags_exactly_the_citizens_built_to_be_flagged() -> None:
    """Rule 7 (004 §1.3.3, 002 §8) and 003 "Løbende justering/revisitation" on the demo data."""
    demo = build_demo(db.session)
    db.session.commit()
    report = evaluate_municipality(db.session, demo.municipality.id)
    names = dict(db.session.execute(select(Citizen.id, Citizen.name)).all())
    flagged: dict[str, set[FlagRule]] = {}
    for outcome in report.opened:
        flagged.setdefault(names[outcome.citizen_id], set()).add(outcome.rule)
    assert demo.built_to_be_flagged, "the demo must have citizens built to be flagged"
    assert flagged == demo.built_to_be_flagged
    assert report.citizens_evaluated == 70  # 40 on Serviceloven, 30 on Ældreloven (issue 11)


def test_running_twice_creates_nothing_new(granted, record) -> None:
    """Idempotent: the second run keeps the open flag, opens no flag and no case (rule 7)."""
    grant = granted()
    for days_ago in (60, 30, 2):
        record(grant, days_ago, DROPPED)
    municipality_id = grant.decision.citizen.municipality_id

    first = evaluate_municipality(db.session, municipality_id, as_of=AS_OF)
    db.session.commit()
    second = evaluate_municipality(db.session, municipality_id, as_of=AS_OF)
    db.session.commit()

    assert first.counts() == {"opened": 1, "kept": 0, "closed": 0}
    assert second.counts() == {"opened": 0, "kept": 1, "closed": 0}
    assert second.kept[0].flag_id == first.opened[0].flag_id
    assert (_count(Flag), _count(Case)) == (1, 1)


def test_a_new_flag_opens_a_visitator_case_linked_to_it(granted, record) -> None:
    """Rule 7: the system routes the flag to the visitator; it decides nothing itself."""
    grant = granted()
    for days_ago in (60, 30, 2):
        record(grant, days_ago, DROPPED)
    report = evaluate_citizen(db.session, grant.decision.citizen_id, as_of=AS_OF)
    db.session.commit()

    flag = db.session.get(Flag, report.opened[0].flag_id)
    assert flag.rule is FlagRule.REPEATED_DESELECTION
    assert flag.case is not None and flag.case.kind is CaseKind.FLAG
    assert flag.case.status is CaseStatus.OPEN
    assert report.cases_opened == [flag.case_id]
    assert flag.evidence["count"] == 3
    assert (flag.period_start, flag.period_end) == (
        AS_OF - timedelta(days=60),
        AS_OF - timedelta(days=2),
    )


def test_two_deselections_and_other_outcomes_do_not_flag(granted, record) -> None:
    """Rule 7 counts deselections (DROPPED) only, N=3 in 90 days by default."""
    grant = granted()
    record(grant, 40, DROPPED)
    record(grant, 20, DROPPED)
    record(grant, 95, DROPPED)  # outside the 90 days
    record(grant, 10, VisitServiceOutcome.NOT_DELIVERED, delivered=0)
    report = evaluate_citizen(db.session, grant.decision.citizen_id, as_of=AS_OF)
    assert report.outcomes == []


def test_incremental_evaluation_touches_only_that_citizen(granted, record) -> None:
    """Incremental after a swap is saved: one citizen's flags, others' untouched (rule 7)."""
    first, other = granted(), granted()
    for grant in (first, other):
        for days_ago in (50, 30, 5):
            record(grant, days_ago, DROPPED)

    report = evaluate_citizen(db.session, first.decision.citizen_id, as_of=AS_OF)
    db.session.commit()

    assert report.citizens_evaluated == 1
    assert [o.citizen_id for o in report.opened] == [first.decision.citizen_id]
    assert db.session.scalars(select(Flag.citizen_id)).all() == [first.decision.citizen_id]


def test_a_third_deselection_saved_later_raises_the_flag(granted, record) -> None:
    """Rule 7 (004 §1.3.3): the third deselection within 90 days is what tips it."""
    grant = granted()
    record(grant, 50, DROPPED)
    record(grant, 30, DROPPED)
    assert evaluate_citizen(db.session, grant.decision.citizen_id, as_of=AS_OF).outcomes == []
    record(grant, 1, DROPPED)
    report = evaluate_citizen(db.session, grant.decision.citizen_id, as_of=AS_OF)
    assert report.counts()["opened"] == 1


def test_a_flag_that_no_longer_holds_is_closed_with_its_reason_never_deleted(
    granted, record
) -> None:
    """Rule 7: after 90 quiet days the flag closes; the case gets a note and stays open."""
    grant = granted()
    for days_ago in (60, 30, 2):
        record(grant, days_ago, DROPPED)
    citizen_id = grant.decision.citizen_id
    evaluate_citizen(db.session, citizen_id, as_of=AS_OF)
    db.session.commit()

    later = evaluate_citizen(db.session, citizen_id, as_of=AS_OF + timedelta(days=100))
    db.session.commit()

    assert later.counts() == {"opened": 0, "kept": 0, "closed": 1}
    flag = db.session.scalars(select(Flag)).one()
    assert flag.status is FlagStatus.CLOSED
    assert flag.closed_at is not None
    assert "færre end 3 gange" in flag.closed_reason
    assert flag.case.status is CaseStatus.OPEN
    assert [event.kind for event in flag.case.events] == ["opened", "flags_closed"]
    again = evaluate_citizen(db.session, citizen_id, as_of=AS_OF + timedelta(days=100))
    assert again.outcomes == []
    assert _count(CaseEvent) == 2


def test_a_dismissed_flag_is_not_raised_again_by_the_same_evidence(granted, record) -> None:
    """Rule 7 with a visitator's dismissal: only deselections after it count again."""
    grant = granted()
    for days_ago in (60, 30, 20):
        record(grant, days_ago, DROPPED)
    citizen_id = grant.decision.citizen_id
    report = evaluate_citizen(db.session, citizen_id, as_of=AS_OF)
    flag = db.session.get(Flag, report.opened[0].flag_id)
    flag.status = FlagStatus.DISMISSED
    flag.dismissed_at = datetime(2026, 6, 15, 9, tzinfo=UTC)  # 15 days before AS_OF
    db.session.commit()

    assert evaluate_citizen(db.session, citizen_id, as_of=AS_OF).outcomes == []
    for days_ago in (10, 5):
        record(grant, days_ago, DROPPED)
    assert evaluate_citizen(db.session, citizen_id, as_of=AS_OF).outcomes == []
    record(grant, 1, DROPPED)
    raised = evaluate_citizen(db.session, citizen_id, as_of=AS_OF)
    assert raised.counts()["opened"] == 1
    new_flag = db.session.get(Flag, raised.opened[0].flag_id)
    assert new_flag.evidence["counted_after"] == "2026-06-15"
    assert new_flag.evidence["count"] == 3
    assert db.session.get(Flag, flag.id).status is FlagStatus.DISMISSED


def test_worked_example_5_to_20_minutes_once_a_week_is_flagged(granted, record) -> None:
    """003 "Løbende justering/revisitation": 5 → 20 min once a week must be adjusted."""
    grant = granted(minutes=5)
    for days_ago in (21, 14, 7, 0):
        record(grant, days_ago, CHANGED, delivered=20)
    report = evaluate_citizen(db.session, grant.decision.citizen_id, as_of=AS_OF)
    [opened] = report.opened
    assert opened.rule is FlagRule.TIME_DEVIATION
    flag = db.session.get(Flag, opened.flag_id)
    assert flag.evidence["change_per_delivery_minutes"] == 15
    assert flag.evidence["deliveries_per_week"] == 1
    assert flag.case.priority == 1  # more time than granted: the need may have grown


def test_worked_example_5_to_10_minutes_five_times_a_week_is_flagged(granted, record) -> None:
    """003: 5 → 10 min five times a week is 25 min a week: adjust (weekly rate from the grant)."""
    grant = granted(minutes=5, weekdays="0,1,2,3,4")
    for days_ago in range(0, 22):
        if (AS_OF - timedelta(days=days_ago)).weekday() < 5:
            record(grant, days_ago, CHANGED, delivered=10)
    [opened] = evaluate_citizen(db.session, grant.decision.citizen_id, as_of=AS_OF).opened
    assert db.session.get(Flag, opened.flag_id).evidence["weekly_change_minutes"] == 25


def test_small_change_once_a_week_is_not_flagged(granted, record) -> None:
    """003: under 10 min per delivery and under 20 min a week is not adjusted."""
    grant = granted(minutes=30)
    for days_ago in (21, 14, 7, 0):
        record(grant, days_ago, CHANGED, delivered=39)
    assert evaluate_citizen(db.session, grant.decision.citizen_id, as_of=AS_OF).outcomes == []


def test_deselections_are_not_time_deviations(granted, record) -> None:
    """003 compares delivered with granted time; a deselection (rule 7) is no delivery."""
    grant = granted(minutes=30)
    for days_ago in (28, 14):
        record(grant, days_ago, DROPPED)
    for days_ago in (21, 7, 0):
        record(grant, days_ago, DELIVERED)
    assert evaluate_citizen(db.session, grant.decision.citizen_id, as_of=AS_OF).outcomes == []


def test_time_deviation_closes_when_deliveries_are_back_to_granted(granted, record) -> None:
    """003: a deviation no longer sustained closes its flag with the reason."""
    grant = granted(minutes=5)
    for days_ago in (28, 21, 14, 7):
        record(grant, days_ago, CHANGED, delivered=20)
    citizen_id = grant.decision.citizen_id
    assert evaluate_citizen(db.session, citizen_id, as_of=AS_OF).counts()["opened"] == 1
    record(grant, 0, DELIVERED)
    closed = evaluate_citizen(db.session, citizen_id, as_of=AS_OF)
    assert closed.counts() == {"opened": 0, "kept": 0, "closed": 1}
    assert "afviger ikke længere" in closed.closed[0].reason


def test_new_flags_join_the_citizens_open_flag_case(granted, record) -> None:
    """One case per citizen for the visitator: a later flag joins the open case."""
    grant = granted()
    for days_ago in (60, 30, 2):
        record(grant, days_ago, DROPPED)
    citizen = db.session.get(Citizen, grant.decision.citizen_id)
    evaluate_citizen(db.session, citizen.id, as_of=AS_OF)
    second = granted(citizen=citizen, minutes=5)
    for days_ago in (21, 14, 7, 0):
        record(second, days_ago, CHANGED, delivered=20)
    report = evaluate_citizen(db.session, citizen.id, as_of=AS_OF)
    assert report.counts() == {"opened": 1, "kept": 1, "closed": 0}
    assert report.cases_opened == []
    case = db.session.scalars(select(Case)).one()
    assert [event.kind for event in case.events] == ["opened", "flag_raised"]
    assert case.priority == 1


def test_report_is_json_ready(granted, record) -> None:
    """The report is what `flask evaluate-flags --json` prints."""
    import json

    grant = granted()
    for days_ago in (60, 30, 2):
        record(grant, days_ago, DROPPED)
    report = evaluate_municipality(db.session, grant.decision.citizen.municipality_id, as_of=AS_OF)
    data = json.loads(json.dumps(report.as_dict()))
    assert data["counts"] == {"opened": 1, "kept": 0, "closed": 0}
    assert data["flags"][0]["rule"] == "repeated_deselection"


def test_the_policy_preview_counts_exactly_the_flags_the_evaluation_opens(granted, record) -> None:
    """One code path (flags.find_holding): the admin's preview can never promise other figures."""
    from selvvisitation.services.adapters import policy_for
    from selvvisitation.services.policy_preview import flag_count

    swapper = granted()
    for days_ago in (7, 14, 21):
        record(swapper, days_ago, DROPPED)
    deviator = granted(minutes=20)
    for days_ago in range(0, 42, 7):
        record(deviator, days_ago, CHANGED, delivered=40)
    granted(citizen=deviator.decision.citizen)  # a second service, delivered as granted
    municipality = swapper.decision.citizen.municipality
    deviator.decision.citizen.municipality = municipality
    db.session.commit()

    counted = flag_count(db.session, municipality, policy_for(municipality), AS_OF)
    evaluate_municipality(db.session, municipality.id, as_of=AS_OF)
    db.session.commit()

    opened = db.session.scalars(select(Flag).where(Flag.status == FlagStatus.OPEN)).all()
    assert (counted.repeated_deselection, counted.time_deviation) == (1, 1)
    assert counted.citizens == len({flag.citizen_id for flag in opened}) == 2
    assert sorted(flag.rule for flag in opened) == sorted(
        [FlagRule.REPEATED_DESELECTION, FlagRule.TIME_DEVIATION]
    )


def test_a_visit_dropping_a_service_on_two_lines_counts_once(granted, record, factories) -> None:
    """Rule 7 (002 §8) counts visits: two dropped lines of one service at one visit are one
    deselection. The SQL counts lines to find candidates; the rule counts the visits."""
    grant = granted()
    line = record(grant, 30, DROPPED)
    factories.VisitService(
        visit=line.visit,
        service=grant.service,
        granted_service=grant,
        planned_minutes=grant.minutes_per_delivery,
        delivered_minutes=0,
        outcome=DROPPED,
    )
    record(grant, 2, DROPPED)
    assert evaluate_citizen(db.session, grant.decision.citizen_id, as_of=AS_OF).outcomes == []
    record(grant, 1, DROPPED)
    [opened] = evaluate_citizen(db.session, grant.decision.citizen_id, as_of=AS_OF).opened
    assert db.session.get(Flag, opened.flag_id).evidence["count"] == 3


def test_lines_read_in_chunks_give_each_pair_its_own_lines_once(
    granted, record, factories, monkeypatch
) -> None:
    """Rule 7 and 003 give the same findings when the candidates' lines are read one pair a
    query: a citizen's pairs split over chunks, and no line is counted twice."""
    from selvvisitation.services.flags import sel_rules

    def citizen_with_four_flags(citizen=None):
        """Two services deselected and two delivered with much more time than granted."""
        first_grant = granted(citizen=citizen)
        citizen = first_grant.decision.citizen
        for grant in (first_grant, granted(citizen=citizen)):
            for days_ago in (60, 30, 2):
                record(grant, days_ago, DROPPED)
        for grant in (granted(citizen=citizen, minutes=5), granted(citizen=citizen, minutes=5)):
            for days_ago in (21, 14, 7, 0):
                record(grant, days_ago, CHANGED, delivered=20)
        return citizen

    first = citizen_with_four_flags()
    second = citizen_with_four_flags(factories.Citizen(municipality=first.municipality))
    monkeypatch.setattr(sel_rules, "PAIRS_PER_QUERY", 1)
    report = evaluate_municipality(db.session, first.municipality_id, as_of=AS_OF)

    opened = sorted((o.citizen_id, o.rule.value) for o in report.opened)
    assert opened == sorted(
        (citizen.id, rule.value)
        for citizen in (first, second)
        for rule in (FlagRule.REPEATED_DESELECTION, FlagRule.TIME_DEVIATION)
        for _ in range(2)
    )
    for outcome in report.opened:
        evidence = db.session.get(Flag, outcome.flag_id).evidence
        count = evidence["count"] if "count" in evidence else evidence["deliveries"]
        assert count == (3 if outcome.rule is FlagRule.REPEATED_DESELECTION else 4)
