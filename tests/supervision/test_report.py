"""The provider report: figures by SQL aggregation, the page, bad input and access."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from selvvisitation.domain.supervision_themes import (
    THISTED_THEMES,
    SupervisionTheme,
    ThemeAssessment,
)
from selvvisitation.domain.types import (
    ActorKind,
    DeclineReason,
    FlagRule,
    ReassessmentReason,
    SwapStatus,
    VisitServiceOutcome,
)
from selvvisitation.extensions import db
from selvvisitation.models import Flag, ReassessmentRequest, SwapRequest
from selvvisitation.services import supervision_visits
from selvvisitation.services.supervision_report import Period, figures
from tests.clock import MONDAY
from tests.pages import check_page, sign_in_staff

# The report's periods are counted back from a fixed day (tests/clock.py).
pytestmark = pytest.mark.today(MONDAY)
TODAY = MONDAY.date()
PERIOD = Period(TODAY - timedelta(days=30), TODAY)


def at(days_ago: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), tzinfo=UTC)


def swap(citizen, status, *, reason=None, days_ago=3, n=[0]):  # noqa: B006  (a counter)
    n[0] += 1
    db.session.add(
        SwapRequest(
            reference=f"T-{n[0]}",
            citizen_id=citizen.id,
            status=status,
            decline_reason=reason,
            created_by_kind=ActorKind.CITIZEN,
            created_at=at(days_ago),
        )
    )


@pytest.fixture
def history(factories, world):
    """Visits, swaps, flags and requests for two providers, some outside the period."""
    first, second = world.citizens[0], world.small_citizens[0]
    for citizen, days_ago, outcome, planned, delivered in [
        (first, 1, VisitServiceOutcome.DELIVERED, 30, 30),
        (first, 2, VisitServiceOutcome.DROPPED, 30, 0),
        (first, 3, VisitServiceOutcome.CHANGED, 30, 45),
        (first, 40, VisitServiceOutcome.DELIVERED, 30, 30),  # before the period
        (second, 2, VisitServiceOutcome.DELIVERED, 60, 60),
    ]:
        visit = factories.Visit(
            citizen=citizen, day=TODAY - timedelta(days=days_ago), recorded_at=at(days_ago)
        )
        factories.VisitService(
            visit=visit, planned_minutes=planned, delivered_minutes=delivered, outcome=outcome
        )
    swap(first, SwapStatus.ACCEPTED)
    swap(first, SwapStatus.DECLINED, reason=DeclineReason.HYGIENE)
    swap(first, SwapStatus.DECLINED, reason=DeclineReason.HYGIENE)
    swap(first, SwapStatus.DECLINED, reason=DeclineReason.WORK_ENVIRONMENT)
    swap(first, SwapStatus.DECLINED, reason=DeclineReason.HYGIENE, days_ago=45)  # before
    swap(second, SwapStatus.DECLINED, reason=DeclineReason.OTHER)
    for citizen, rule, days_ago in [
        (first, FlagRule.TIME_DEVIATION, 5),
        (first, FlagRule.TIME_DEVIATION, 60),
        (second, FlagRule.REPEATED_DESELECTION, 5),
    ]:
        db.session.add(
            Flag(
                citizen_id=citizen.id,
                rule=rule,
                key=f"{rule}-{days_ago}",
                period_start=TODAY,
                period_end=TODAY,
                opened_at=at(days_ago),
            )
        )
    db.session.add(
        ReassessmentRequest(
            citizen_id=first.id,
            reason=ReassessmentReason.MORE_HELP,
            requested_by_kind=ActorKind.CITIZEN,
            created_at=at(4),
        )
    )
    db.session.commit()
    return world


def test_the_figures_count_only_the_providers_citizens_in_the_period(history):
    own = figures(db.session, history.municipality.id, history.provider.id, PERIOD)
    assert (own.visits, own.recorded_visits) == (3, 3)
    assert own.outcomes == {
        VisitServiceOutcome.DELIVERED: 1,
        VisitServiceOutcome.DROPPED: 1,
        VisitServiceOutcome.CHANGED: 1,
    }
    assert (own.planned_minutes, own.delivered_minutes) == (90, 75)
    assert own.swaps == {SwapStatus.ACCEPTED: 1, SwapStatus.DECLINED: 3}
    assert own.declined == {DeclineReason.HYGIENE: 2, DeclineReason.WORK_ENVIRONMENT: 1}
    assert own.flags == {FlagRule.TIME_DEVIATION: 1}
    assert own.reassessments == 1


def test_the_municipality_figures_add_every_provider(history):
    everyone = figures(db.session, history.municipality.id, None, PERIOD)
    assert everyone.visits == 4
    assert everyone.declined == {
        DeclineReason.HYGIENE: 2,
        DeclineReason.WORK_ENVIRONMENT: 1,
        DeclineReason.OTHER: 1,
    }
    assert everyone.flags == {FlagRule.TIME_DEVIATION: 1, FlagRule.REPEATED_DESELECTION: 1}


def test_the_report_page_shows_the_charts_the_tables_and_the_comparison(client, page, history):
    sign_in_staff(client, history.supervisor)
    soup = page.get(
        "supervision.report",
        provider_id=history.provider.id,
        fra=PERIOD.start.strftime("%d.%m.%Y"),
        til=PERIOD.end.strftime("%d.%m.%Y"),
    )
    declined = soup.select_one("#chart-declined-title").find_parent("figure")
    assert declined.select_one("svg[role=img]") is not None
    assert [
        [c.get_text(strip=True) for c in r.select("th, td")] for r in declined.select("tbody tr")
    ] == [["Hygiejne", "2"], ["Arbejdsmiljø", "1"], ["Anden grund", "0"]]
    assert not soup.select("[style]"), "strict CSP: no inline style"
    comparison = soup.select_one("#compare-sel")
    assert comparison.caption.get_text(strip=True).startswith("Serviceloven")
    declined_row = next(
        r
        for r in comparison.select("tbody tr")
        if r.th.get_text(strip=True) == "Bytte afvist på dagen"
    )
    assert [td.get_text(strip=True) for td in declined_row.select("td")] == [
        "3",
        "100,0",
        "100,0",
        "Som kommunen",
    ]


def test_a_provider_far_above_the_municipality_is_pointed_out(client, page, history, factories):
    for days_ago in (1, 2, 3):
        swap(
            history.small_citizens[1],
            SwapStatus.DECLINED,
            reason=DeclineReason.HYGIENE,
            days_ago=days_ago,
        )
    # 8 declined of 14 visits in the last year in the municipality; 4 of 1 at this provider.
    for days_ago in range(1, 10):
        factories.Visit(citizen=history.citizens[1], day=TODAY - timedelta(days=days_ago))
    db.session.commit()
    sign_in_staff(client, history.supervisor)
    soup = page.get("supervision.report", provider_id=history.small.id)
    alert = soup.select_one(".app-findings-alert").get_text(" ", strip=True)
    assert "Bytte afvist på dagen: 400,0 pr. 100 besøg mod 57,1 i hele kommunen." in alert


def test_the_report_shows_the_latest_supervision_and_the_action_plan(client, page, world):
    findings = {t: (ThemeAssessment.MET, "") for t in THISTED_THEMES}
    findings[SupervisionTheme.HYGIENE] = (ThemeAssessment.NOT_MET, "Klude bruges overalt")
    visit = supervision_visits.record_visit(
        db.session,
        world.provider,
        visited_on=TODAY,
        findings=findings,
        strengths="",
        feedback_given_to="",
        staff=world.supervisor,
    )
    recommendation = supervision_visits.add_recommendation(
        db.session,
        visit,
        theme=SupervisionTheme.HYGIENE,
        text="Farvekodede klude",
        staff=world.supervisor,
    )
    supervision_visits.add_action(
        db.session,
        recommendation,
        action="Klude indkøbt",
        responsible="Leder",
        due_on=TODAY,
        staff=world.supervisor,
    )
    db.session.commit()
    sign_in_staff(client, world.visitator)
    soup = page.get("supervision.report", provider_id=world.provider.id)
    plan = next(
        t
        for t in soup.select("table")
        if t.caption.get_text(strip=True) == "Anbefalinger og leverandørens handleplan"
    )
    cells = [c.get_text(strip=True) for c in plan.select("tbody tr th, tbody tr td")]
    assert cells[:3] == [
        "Hygiejne: forebyggelse af smittespredning: Farvekodede klude",
        "Klude indkøbt",
        "Leder",
    ]
    themes = soup.select_one("#chart-themes-title").find_parent("figure")
    assert "Hygiejne: forebyggelse af smittespredning: 0" in themes.select_one("desc").text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"fra": "i går"}, ["Skriv datoen som dag.måned.år, for eksempel 14.3.2026"]),
        ({"til": "31.13.2026"}, ["Skriv datoen som dag.måned.år, for eksempel 14.3.2026"]),
        (
            {"fra": "1.6.2026", "til": "1.5.2026"},
            ["Slutdatoen skal være samme dag som eller efter startdatoen"],
        ),
        ({"fra": ""}, ["Skriv datoen som dag.måned.år, for eksempel 14.3.2026"]),
    ],
)
def test_a_bad_period_is_refused_with_a_plain_message(client, page, world, args, expected):
    sign_in_staff(client, world.supervisor)
    response = client.get(f"/tilsyn/leverandoer/{world.provider.id}/rapport", query_string=args)
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True))
    assert [a.get_text(strip=True) for a in soup.select(".alert-error li a")] == expected
    assert soup.title.get_text().startswith("Fejl: ")
    assert not soup.select("figure")


@pytest.mark.parametrize(("role", "status"), [("worker", 403), ("foreign_supervisor", 404)])
def test_other_roles_and_municipalities_cannot_read_the_report(client, page, world, role, status):
    sign_in_staff(client, getattr(world, role))
    page.get("supervision.report", provider_id=world.provider.id, expected_status=status)
