"""The case page (issue 5): summary, decisions, swap history, chart, flag evidence, audit."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import (
    ActorKind,
    FlagRule,
    RelationKind,
    StaffRole,
    SwapStatus,
    VisitServiceOutcome,
)
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, Flag, SwapLine, SwapRequest, Wish
from tests.clock import MONDAY
from tests.pages import sign_in_staff

pytestmark = pytest.mark.today(MONDAY)


@pytest.fixture
def case_with_history(factories, visitator, make_case):
    citizen = factories.Citizen(
        municipality=visitator.municipality, name="Karen Bytter", cpr="0101451234"
    )
    granted = factories.GrantedService(
        decision__citizen=citizen, minutes_per_delivery=30, service__name_da="Rengøring"
    )
    walk = factories.Service(municipality=citizen.municipality, name_da="Gåtur")
    today = local_today()
    monday = today - timedelta(days=today.weekday())
    visit = factories.Visit(citizen=citizen, day=monday - timedelta(days=7))
    factories.VisitService(
        visit=visit,
        service=granted.service,
        granted_service_id=granted.id,
        planned_minutes=30,
        delivered_minutes=0,
        outcome=VisitServiceOutcome.DROPPED,
    )
    factories.VisitService(
        visit=visit,
        service=walk,
        planned_minutes=0,
        delivered_minutes=30,
        outcome=VisitServiceOutcome.ADDED,
    )
    visit.recorded_at = datetime.now(UTC)
    swap = SwapRequest(
        reference="B-1",
        citizen=citizen,
        visit=visit,
        status=SwapStatus.ACCEPTED,
        created_by_kind=ActorKind.CITIZEN,
    )
    swap.lines = [
        SwapLine(kind="drop", service=granted.service, minutes=30),
        SwapLine(kind="add", service=walk, minutes=30),
    ]
    db.session.add_all(
        [
            swap,
            Wish(
                citizen=citizen,
                kind="time",
                text="Gerne før kl. 9",
                created_by_kind=ActorKind.CITIZEN,
            ),
        ]
    )
    db.session.commit()
    evidence = {
        "count": 3,
        "visit_refs": [str(visit.id)],
        "days": [visit.day.isoformat()],
        "window_start": "2026-01-01",
        "window_end": "2026-03-31",
        "threshold_count": 3,
        "threshold_days": 90,
        "counted_after": None,
    }
    return make_case(citizen, flag_service=granted.service, evidence=evidence)


def test_case_page_shows_summary_with_masked_cpr(page, client, visitator, case_with_history):
    sign_in_staff(client, visitator)
    soup = page.get("visitation.case_page", case_id=case_with_history.id)

    assert soup.h1.text == "Sag: Karen Bytter"
    summary = soup.select_one("dl.app-summary").text
    assert "010145-XXXX" in summary
    assert "1234" not in summary


def test_case_page_lists_relatives_with_the_relation_in_the_readers_language(
    page, client, factories, visitator, case_with_history
):
    """Issue 4: the relation is a fixed set shown translated; "other" in the citizen's words."""
    citizen = case_with_history.citizen
    factories.Consent(
        citizen=citizen,
        relation=RelationKind.PARTNER,
        relative=factories.Relative(name="Birgit Bytter"),
    )
    factories.Consent(
        citizen=citizen,
        relation=RelationKind.OTHER,
        relation_text="nevø",
        relative=factories.Relative(name="Lars Bytter"),
    )
    sign_in_staff(client, visitator)
    summary = " ".join(
        page.get("visitation.case_page", case_id=case_with_history.id)
        .select_one("dl.app-summary")
        .text.split()
    )
    assert "Birgit Bytter (ægtefælle eller partner), Lars Bytter (nevø)" in summary
    page.post("public.set_language", {"lang": "en", "next": "/"})
    summary = " ".join(
        page.get("visitation.case_page", case_id=case_with_history.id)
        .select_one("dl.app-summary")
        .text.split()
    )
    assert "Birgit Bytter (spouse or partner), Lars Bytter (nevø)" in summary


def test_case_page_explains_the_flag_with_rule_source_and_visits(
    page, client, visitator, case_with_history
):
    sign_in_staff(client, visitator)
    soup = page.get("visitation.case_page", case_id=case_with_history.id)

    flag = soup.select_one("section.app-flag")
    assert "Gentagne fravalg" in flag.h3.text
    assert "Rengøring blev fravalgt ved 3 besøg" in flag.text
    # Issue 12, the case page: dates as "mandag 3. november", not 2026-11-03.
    summary = flag.select_one("p").text
    assert re.search(r"(mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag) \d+\. [a-z]+", summary)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", summary)
    # Issue 12, 7: the municipality's own document, by its title, not our seed numbers.
    source = flag.select_one(".app-source").text
    assert "Fleksibel hjemmehjælp" in source
    assert "DOMAIN" not in source and "Seed" not in source
    assert "fravalgt" in flag.select_one("ul").text


def test_case_page_shows_swap_timeline_and_wishes(page, client, visitator, case_with_history):
    sign_in_staff(client, visitator)
    soup = page.get("visitation.case_page", case_id=case_with_history.id)

    timeline = [li.text for li in soup.select("ol.app-timeline")[0].select("li")]
    assert any("Bytte ønsket" in t and "Gåtur" in t for t in timeline)
    assert any("Fravalgt ved besøget" in t and "Rengøring" in t for t in timeline)
    assert any("Gjort i stedet ved besøget" in t and "Gåtur" in t for t in timeline)
    assert "Gerne før kl. 9" in soup.text


def test_chart_has_an_svg_per_service_and_a_data_table(page, client, visitator, case_with_history):
    sign_in_staff(client, visitator)
    soup = page.get("visitation.case_page", case_id=case_with_history.id)

    charts = soup.select("section.app-chart")
    assert len(charts) == 2  # the granted service and the one done instead
    svg = charts[0].select_one("svg[role=img]")
    assert svg.title.text
    assert not soup.select("[style]"), "no style attributes under our CSP"
    rows = charts[0].select("table tbody tr")
    assert len(rows) == 8
    last_week = rows[-2].select("td")
    assert [td.text.split(" ")[0] for td in last_week] == ["30", "0", "-30"]
    # Issue 12: the chart has a minute scale and each bar's value; the long table is folded
    # behind a summary that names it.
    labels = [t.text for t in svg.select("text")]
    assert labels[:3] == ["0", "30", "min."]
    values = [t.text for t in svg.select("text.app-bar-value")]
    assert len(values) == 2 * len(rows) and values[-4:-2] == ["30", "0"]
    folded = charts[0].select_one("details.app-chart-figures")
    assert folded.summary.text.startswith("Se minutterne uge for uge for")
    assert folded.select_one("table") is not None


def test_case_page_shows_current_decision_and_earlier_versions(
    page, client, factories, visitator, make_case
):
    citizen = factories.Citizen(municipality=visitator.municipality)
    old = factories.Decision(citizen=citizen, version=1)
    factories.GrantedService(decision=old, minutes_per_delivery=20)
    new = factories.Decision(citizen=citizen, version=2)
    factories.GrantedService(decision=new, minutes_per_delivery=45)
    new_id = new.id  # read before the change: a load would autoflush half of it
    old.superseded_at = datetime.now(UTC)
    old.superseded_by_id = new_id
    db.session.commit()
    case = make_case(citizen)
    sign_in_staff(client, visitator)

    soup = page.get("visitation.case_page", case_id=case.id)

    tables = soup.select("table.app-granted-table")
    assert "version 2" in tables[0].caption.text
    assert "45 minutter" in tables[0].text
    assert "Version 1" in soup.select_one("details.app-version summary").text
    assert "20 minutter" in soup.select_one("details.app-version").text


def test_every_case_page_view_is_an_audited_read(page, client, visitator, case_with_history):
    sign_in_staff(client, visitator)
    page.get("visitation.case_page", case_id=case_with_history.id)
    page.get("visitation.case_page", case_id=case_with_history.id)

    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "read").order_by(AuditEntry.id)
    ).all()
    assert len(entries) == 2
    assert {e.purpose for e in entries} == {"case_handling"}
    assert entries[0].citizen_id == case_with_history.citizen_id
    assert entries[0].actor_staff_id == visitator.id


def test_a_visitator_never_sees_another_municipalitys_case(client, factories, visitator, make_case):
    foreign = make_case(factories.Citizen())
    sign_in_staff(client, visitator)

    assert client.get(f"/visitation/sager/{foreign.id}").status_code == 404
    assert client.get("/visitation/sager/999999").status_code == 404
    assert db.session.scalar(select(AuditEntry)) is None


@pytest.mark.parametrize(
    "role", [StaffRole.HOME_CARE_WORKER, StaffRole.TEAM_LEADER, StaffRole.MUNICIPALITY_ADMIN]
)
def test_workers_cannot_reach_the_case_page(role, client, factories, make_case):
    staff = factories.StaffUser(role=role)
    citizen = factories.Citizen(municipality=staff.municipality)
    staff.team = citizen.team
    db.session.commit()
    case = make_case(citizen)
    sign_in_staff(client, staff)

    assert client.get(f"/visitation/sager/{case.id}").status_code == 403


def test_time_deviation_evidence_lists_the_figures(page, client, factories, visitator, make_case):
    citizen = factories.Citizen(municipality=visitator.municipality)
    service = factories.Service(municipality=citizen.municipality, name_da="Bad")
    case = make_case(citizen)
    db.session.add(
        Flag(
            citizen=citizen,
            case=case,
            rule=FlagRule.TIME_DEVIATION,
            key="time_deviation:x",
            service=service,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 20),
            evidence={
                "direction": "more",
                "deliveries": 2,
                "days_covered": 19,
                "change_per_delivery_minutes": 15.0,
                "weekly_change_minutes": 7.5,
                "deliveries_per_week": 1.0,
                "visit_refs": ["1", "2"],
                "figures": [
                    {
                        "day": "2026-01-01",
                        "granted_minutes": 20,
                        "delivered_minutes": 35,
                        "visit_ref": "1",
                    },
                    {
                        "day": "2026-01-20",
                        "granted_minutes": 20,
                        "delivered_minutes": 35,
                        "visit_ref": "2",
                    },
                ],
                "thresholds": {
                    "percent": 10,
                    "min_per_delivery": 10,
                    "min_per_week": 20,
                    "sustained_days": 14,
                },
            },
        )
    )
    db.session.commit()
    sign_in_staff(client, visitator)

    soup = page.get("visitation.case_page", case_id=case.id)

    flag = soup.select_one("section.app-flag")
    assert "Leveret tid for Bad var mere end bevilget" in flag.text
    source = flag.select_one(".app-source").text
    assert "Løbende justering/revisitation" in source and "DOMAIN" not in source
    # Issue 12, 7: numbers with a Danish decimal comma, never "15.0".
    facts = flag.get_text(" ", strip=True)
    assert "7,5" in facts and "15.0" not in facts and "7.5" not in facts
    assert len(flag.select("table tbody tr")) == 2
