"""Reports of changed need (seeds 000, 002, 003) and the team leader's declined swaps (rule 5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import CaseKind, DeclineReason, StaffRole, SwapStatus
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, Case, StaffReport
from selvvisitation.services.staff_reports import send_change_report
from tests.clock import MONDAY
from tests.pages import check_page, sign_in_staff
from tests.staff.helpers import other_team_staff, visit_scene, wished_swap
from tests.unit_of_work import nothing_written_when_the_audit_entry_is_refused

pytestmark = pytest.mark.today(MONDAY)


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(StaffReport)),
        db.session.scalar(select(func.count()).select_from(Case)),
    )


def test_the_report_page_says_plainly_to_phone_the_visitation_with_the_number(
    client, page, factories
):
    """Seed 000: serious failure or abuse, hospital admission, accidents: by phone at once."""
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.report_change_view", visit_id=scene.visit.id)
    urgent = soup.select_one(".app-urgent")
    assert urgent.h2.get_text(strip=True) == "Ring til visitationen nu"
    assert urgent.select_one("a[href='tel:70102030']").get_text(strip=True) == "70 10 20 30"


def test_a_worse_need_opens_a_case_for_the_visitators(client, page, factories):
    """Seeds 002 and 003: the provider tells the visitation of changes, worse or better."""
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    response = page.post(
        "staff.report_change_view",
        {
            "direction": "worse",
            "urgent_event": "none",
            "text": "Kan ikke længere komme ud af sengen alene",
        },
        visit_id=scene.visit.id,
    )
    report = db.session.scalars(select(StaffReport)).one()
    assert response.location.endswith(f"/personale/meldinger/{report.id}")
    assert (report.direction, report.urgent_event, report.staff_id) == (
        "worse",
        None,
        scene.worker.id,
    )
    case = report.case
    assert (case.kind, case.priority, case.citizen_id) == (
        CaseKind.STAFF_REPORT,
        2,
        scene.citizen.id,
    )
    assert case.events[0].data["fsiii_code"] == "A4"
    assert case.deadline is not None
    soup = page.get("staff.report_sent", report_id=report.id)
    assert soup.select(".app-urgent") == []
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "create", AuditEntry.object_type == "staff_report")
        )
        == 1
    )


@pytest.mark.parametrize("event", ["serious_failure", "abuse", "hospital", "accident"])
def test_an_urgent_event_is_recorded_with_high_priority_and_says_phone_now(
    client, page, factories, event
):
    """Seed 000: "straks telefonisk"; the report is still recorded."""
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    page.post(
        "staff.report_change_view",
        {"direction": "worse", "urgent_event": event, "text": "Faldet i badet"},
        visit_id=scene.visit.id,
    )
    report = db.session.scalars(select(StaffReport)).one()
    assert (report.urgent_event, report.case.priority) == (event, 1)
    soup = page.get("staff.report_sent", report_id=report.id)
    assert "Ring til visitationen nu" in soup.select_one(".app-urgent").get_text()
    assert "70 10 20 30" in soup.select_one(".app-urgent-phone").get_text()


@pytest.mark.parametrize(
    "data,message",
    [
        (
            {"urgent_event": "none", "text": "Mere træt"},
            "Vælg, om borgeren har brug for mere eller mindre hjælp",
        ),
        (
            {"direction": "sideways", "urgent_event": "none", "text": "Mere træt"},
            "Vælg, om borgeren har brug for mere eller mindre hjælp",
        ),
        ({"direction": "worse", "text": "Mere træt"}, "Vælg, om noget af dette er sket"),
        (
            {"direction": "worse", "urgent_event": "fire", "text": "Mere træt"},
            "Vælg, om noget af dette er sket",
        ),
        (
            {"direction": "worse", "urgent_event": "none", "text": "   "},
            "Skriv hvad der har ændret sig",
        ),
        (
            {"direction": "worse", "urgent_event": "none", "text": "x" * 2001},
            "Skriv højst 2000 tegn",
        ),
    ],
)
def test_a_report_with_bad_input_is_explained_and_nothing_is_saved(
    client, page, factories, data, message
):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    response = page.post(
        "staff.report_change_view", data, expected_status=400, visit_id=scene.visit.id
    )
    soup = check_page(response.get_data(as_text=True))
    assert message in [a.get_text(strip=True) for a in soup.select(".alert-error li a")]
    assert counts() == (0, 0)


def test_a_worker_cannot_report_on_or_read_reports_of_another_teams_citizen(
    client, page, factories
):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    page.post(
        "staff.report_change_view",
        {"direction": "better", "urgent_event": "none", "text": "Klarer sig bedre"},
        visit_id=scene.visit.id,
    )
    report = db.session.scalars(select(StaffReport)).one()
    stranger = other_team_staff(factories, scene)
    sign_in_staff(client, stranger)
    assert client.get(f"/personale/meldinger/{report.id}").status_code == 404
    page.post(
        "staff.report_change_view",
        {"direction": "worse", "urgent_event": "none", "text": "x"},
        expected_status=404,
        visit_id=scene.visit.id,
    )
    assert counts() == (1, 1)


def declined_scene(factories, *, days_ago=1):
    scene = visit_scene(
        factories, day=local_today() - timedelta(days=days_ago), role=StaffRole.TEAM_LEADER
    )
    swap = wished_swap(
        scene.citizen,
        drop=scene.services["PP-BAD"],
        add=scene.services["PH-VINDUE"],
        visit=scene.visit,
        status=SwapStatus.DECLINED,
    )
    swap.decline_reason = DeclineReason.OTHER
    swap.decline_text = "Borgeren havde feber"
    swap.decided_by_staff_id = scene.worker.id
    swap.decided_at = datetime.now(UTC)
    db.session.commit()
    return scene


def test_a_team_leader_sees_the_declined_swaps_with_their_reasons(client, page, factories):
    scene = declined_scene(factories)
    sign_in_staff(client, scene.worker)
    soup = page.get("staff.declined")
    [item] = soup.select(".app-declined")
    assert "Inger Jensen" in item.h2.get_text()
    text = " ".join(item.get_text(" ", strip=True).split())
    assert "Fravælger: Bad (30 minutter)" in text
    assert "Begrundelse for nej: anden grund – “Borgeren havde feber”" in text


def test_the_declined_swaps_of_another_team_are_not_shown(client, page, factories):
    scene = declined_scene(factories)
    leader = other_team_staff(factories, scene, StaffRole.TEAM_LEADER)
    sign_in_staff(client, leader)
    assert page.get("staff.declined").select(".app-declined") == []


def test_a_home_care_worker_cannot_open_the_team_leaders_overview(client, factories):
    scene = visit_scene(factories)
    sign_in_staff(client, scene.worker)
    assert client.get("/personale/afviste-bytter").status_code == 403


def test_a_report_whose_audit_entry_fails_writes_nothing(factories, audit_log_refuses):
    """Seed 000: a report is recorded with its case and its audit entry, or not at all (issue
    16, services own the transaction)."""
    scene = visit_scene(factories)
    nothing_written_when_the_audit_entry_is_refused(
        lambda: send_change_report(
            db.session,
            citizen=scene.citizen,
            staff=scene.worker,
            direction="worse",
            text="Falder oftere",
            urgent_event=None,
        )
    )
