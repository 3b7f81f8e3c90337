"""Herning's follow-up (seed 001 "Borgertilfredshed" and "Kvalitetssikring af den leverede
hjælp"): the two forms filled in at revisitation, summarised per provider in the report."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from selvvisitation.domain.assessment import AssessmentStatus, Satisfaction, YesPartlyNo
from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import ActorKind, CaseKind
from selvvisitation.extensions import db
from selvvisitation.models import AssessmentVisit
from selvvisitation.services.case_actions import FollowUpAnswers, record_follow_up
from selvvisitation.services.cases import open_case
from selvvisitation.services.supervision_report import Period, follow_up_summary
from tests.clock import MONDAY
from tests.pages import sign_in_staff

pytestmark = pytest.mark.today(MONDAY)

TODAY = local_today(MONDAY)
Y, P, N = YesPartlyNo.YES, YesPartlyNo.PARTLY, YesPartlyNo.NO


def forms(world, citizen, satisfaction, answers, days_ago=3):
    held = datetime.combine(TODAY - timedelta(days=days_ago), time(10), tzinfo=UTC)
    case = open_case(
        db.session,
        citizen=citizen,
        kind=CaseKind.REASSESSMENT_REQUEST,
        title="Opfølgning",
        actor_kind=ActorKind.STAFF,
    )
    visit = AssessmentVisit(
        case=case,
        citizen=citizen,
        visitator_staff_id=world.visitator.id,
        starts_at=held,
        booked_by_staff_id=world.visitator.id,
        status=AssessmentStatus.BOOKED,
    )
    db.session.add(visit)
    db.session.flush()
    granted, heard, matches, goals, level = answers
    record_follow_up(
        db.session,
        visit,
        world.visitator,
        FollowUpAnswers(
            satisfaction=satisfaction,
            help_as_granted=granted,
            heard_and_involved=heard,
            citizen_comment="",
            matches_decision=matches,
            goals_met=goals,
            meets_service_level=level,
            notes="",
        ),
    )
    db.session.flush()
    visit.quality.recorded_at = visit.observation.recorded_at = held
    db.session.commit()


def test_the_two_forms_are_counted_for_the_provider_that_delivered_the_help(world):
    # Seed 001: "Der udarbejdes en samlet opgørelse til leverandøren af den samlede opfølgning."
    forms(world, world.citizens[0], Satisfaction.VERY_SATISFIED, (Y, Y, Y, Y, Y))
    forms(world, world.citizens[1], Satisfaction.DISSATISFIED, (P, N, N, P, Y))
    forms(world, world.citizens[2], Satisfaction.SATISFIED, (Y, Y, Y, Y, Y), days_ago=400)
    forms(world, world.small_citizens[0], Satisfaction.SATISFIED, (Y, Y, Y, Y, Y))
    period = Period(TODAY - timedelta(days=364), TODAY)
    summary = follow_up_summary(db.session, world.municipality.id, world.provider.id, period)
    assert (summary.citizen_forms, summary.visitator_forms) == (2, 2)
    assert summary.satisfaction == {Satisfaction.VERY_SATISFIED: 1, Satisfaction.DISSATISFIED: 1}
    assert summary.citizen_answers["heard_and_involved"] == {Y: 1, N: 1}
    assert summary.visitator_answers["matches_decision"] == {Y: 1, N: 1}
    assert summary.satisfied_share == 50.0
    everyone = follow_up_summary(db.session, world.municipality.id, None, period)
    assert everyone.citizen_forms == 3 and everyone.satisfied_share == 66.7


def test_the_report_shows_the_summary_of_the_two_forms(client, page, world):
    forms(world, world.citizens[0], Satisfaction.VERY_SATISFIED, (Y, Y, Y, Y, Y))
    forms(world, world.citizens[1], Satisfaction.DISSATISFIED, (P, N, N, P, Y))
    sign_in_staff(client, world.supervisor)
    soup = page.get("supervision.report", provider_id=world.provider.id)
    table = next(
        t for t in soup.select("table") if t.caption.get_text(strip=True) == "Svar i de to skemaer"
    )
    rows = [[c.get_text(strip=True) for c in r.select("th, td")] for r in table.select("tbody tr")]
    assert rows[1][1:] == ["1", "0", "1"]  # heard and involved: yes 1, partly 0, no 1
    assert rows[2][1:] == ["1", "0", "1"]  # help matches the services granted
    text = soup.select_one("main").get_text(" ", strip=True)
    assert "50,0 % af borgerne er tilfredse eller meget tilfredse, mod 50,0 %" in text
    satisfaction = soup.select_one("#chart-satisfaction-title").find_parent("figure")
    assert "Meget tilfreds: 1" in satisfaction.select_one("desc").text


def test_a_period_without_forms_says_so(client, page, world):
    sign_in_staff(client, world.supervisor)
    soup = page.get("supervision.report", provider_id=world.provider.id)
    assert "Ingen opfølgningsskemaer i perioden." in soup.select_one("main").get_text()
