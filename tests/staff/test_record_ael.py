"""The worker and an AEL visit: priorities on the list, a light record (DOMAIN.md "Ældreloven").

Reading: the worker decides on the spot what is safe; recording is a tick list of elements and
each priority met or not met with a reason; no minutes unless the municipality allows them.
"""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select

from selvvisitation.domain.priority_rules import PriorityAnswer, element_outcomes
from selvvisitation.domain.types import (
    ElementOutcome,
    PriorityKind,
    PriorityNotMetReason,
    PriorityStatus,
)
from selvvisitation.extensions import db
from selvvisitation.models import Visit
from selvvisitation.models.priorities import VisitPriority
from selvvisitation.services.ael_visits import AelRecord, priorities_for
from selvvisitation.services.staff_visits import save_checked_ael_record
from tests.citizen.ael_household import build_ael_household, visit_today_with_priorities
from tests.citizen.dialogue_helpers import errors
from tests.clock import MONDAY
from tests.pages import sign_in_staff
from tests.unit_of_work import nothing_written_when_the_audit_entry_is_refused

pytestmark = pytest.mark.today(MONDAY)


@pytest.fixture
def scene(factories):
    ael = build_ael_household(factories)
    return (ael, *visit_today_with_priorities(factories, ael))


def test_the_visit_list_shows_the_elements_and_priorities_and_no_minutes(client, page, scene):
    """DOMAIN.md "Ældreloven": reading (the visit list shows the priorities; no minutes)."""
    ael, visit, *_rest, worker = scene
    sign_in_staff(client, worker)
    soup = page.get("staff.visits")
    item = next(li for li in soup.select(".app-visit") if ael.citizen.name in li.get_text())
    text = item.get_text(" ", strip=True)
    assert "Personlig hjælp og pleje" in text and "Praktisk hjælp i hjemmet" in text
    assert "“En gåtur i haven”" in text and "Først: Personlig hjælp og pleje" in text
    assert "minut" not in text.lower()


def test_the_week_marks_the_visit_with_a_wish_and_shows_no_minutes(client, page, scene):
    """DOMAIN.md "Ældreloven": reading (priorities shown to the worker; no minutes)."""
    ael, visit, *_rest, worker = scene
    sign_in_staff(client, worker)
    soup = page.get("staff.week", uge=visit.day.isoformat())
    href = url_for("staff.record_visit", visit_id=visit.id)
    line = soup.select_one(f'a[href="{href}"]').parent
    assert line.select_one(".app-wish-mark") and "minut" not in line.get_text().lower()


def test_an_ordinary_visit_is_recorded_with_one_tap_and_priorities_answered(client, page, scene):
    """DOMAIN.md "Ældreloven": reading (tick list; each priority met or not met, with a reason)."""
    ael, visit, care, practical, walk, first, worker = scene
    sign_in_staff(client, worker)
    soup = page.get("staff.record_visit", visit_id=visit.id)
    ticked = [box["value"] for box in soup.select("input[name=done][checked]")]
    assert ticked == [str(care.id), str(practical.id)]
    assert not soup.select("input[name=minutes]")
    page.post(
        "staff.save_visit",
        {
            "done": [str(care.id)],
            "declined": [str(practical.id)],
            f"met_{first.id}": "met",
            f"met_{walk.id}": "not_met",
            f"reason_{walk.id}": PriorityNotMetReason.SAFETY.value,
        },
        visit_id=visit.id,
    )
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).recorded_at is not None
    assert [e.outcome for e in db.session.get(Visit, visit.id).elements] == [
        ElementOutcome.DONE,
        ElementOutcome.DECLINED,
    ]
    walk, first = db.session.get(VisitPriority, walk.id), db.session.get(VisitPriority, first.id)
    assert (first.status, walk.status) == (PriorityStatus.MET, PriorityStatus.NOT_MET)
    assert walk.not_met_reason == PriorityNotMetReason.SAFETY and walk.answered_by_staff_id


def test_other_without_words_is_refused_and_nothing_is_written(client, page, scene):
    """DOMAIN.md "Ældreloven": reading (other reason needs words; bad input writes nothing)."""
    ael, visit, care, practical, walk, first, worker = scene
    sign_in_staff(client, worker)
    response = page.post(
        "staff.save_visit",
        {
            "done": [str(care.id), str(practical.id)],
            f"met_{first.id}": "met",
            f"met_{walk.id}": "not_met",
            f"reason_{walk.id}": PriorityNotMetReason.OTHER.value,
        },
        visit_id=visit.id,
        expected_status=400,
    )
    assert errors(response) == ["Beskriv grunden"]
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).recorded_at is None
    assert db.session.get(VisitPriority, walk.id).status == PriorityStatus.REQUESTED


def test_minutes_only_when_the_municipality_allows_them(client, page, scene, factories):
    """DOMAIN.md "Ældreloven": law (minutes not accounted for) and reading (optional setting)."""
    ael, visit, care, practical, walk, first, worker = scene
    ael.citizen.municipality.policy.ael_optional_minutes = True
    db.session.commit()
    sign_in_staff(client, worker)
    assert page.get("staff.record_visit", visit_id=visit.id).select("input[name=minutes]")
    page.post(
        "staff.save_visit",
        {
            "done": [str(care.id), str(practical.id)],
            f"met_{first.id}": "met",
            f"met_{walk.id}": "met",
            "minutes": "45",
        },
        visit_id=visit.id,
    )
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).recorded_minutes == 45


def test_a_change_in_function_opens_the_report_of_changed_need(client, page, scene):
    """DOMAIN.md "Ældreloven": reading (reported changes in function bring the visitator back)."""
    ael, visit, care, practical, walk, first, worker = scene
    sign_in_staff(client, worker)
    response = page.post(
        "staff.save_visit",
        {
            "done": [str(care.id), str(practical.id)],
            f"met_{first.id}": "met",
            f"met_{walk.id}": "met",
            "change_observed": "y",
        },
        visit_id=visit.id,
    )
    assert response.headers["Location"].endswith(f"/besoeg/{visit.id}/meld-aendring")
    assert db.session.scalars(select(VisitPriority)).all()


def test_a_standing_priority_is_answered_visit_by_visit(client, page, scene, factories):
    """DOMAIN.md "Ældreloven": reading (unmet wishes bring the visitator back: each visit's
    answer counts once, ÆL § 11), and the standing priority stays for its period."""
    ael, visit, care, practical, walk, first, worker = scene
    standing = factories.VisitPriority(
        citizen=ael.citizen,
        kind=PriorityKind.OWN_WORDS,
        text="Kaffe før badet",
        period_start=visit.day,
        period_end=ael.later.day,
    )
    db.session.commit()
    sign_in_staff(client, worker)
    page.post(
        "staff.save_visit",
        {
            "done": [str(care.id), str(practical.id)],
            f"met_{first.id}": "met",
            f"met_{walk.id}": "met",
            f"met_{standing.id}": "not_met",
            f"reason_{standing.id}": PriorityNotMetReason.WORK_ENVIRONMENT.value,
        },
        visit_id=visit.id,
    )
    db.session.expire_all()
    answer = db.session.scalars(
        select(VisitPriority).where(VisitPriority.standing_priority_id == standing.id)
    ).one()
    assert (answer.visit_id, answer.status, answer.text) == (
        visit.id,
        PriorityStatus.NOT_MET,
        "Kaffe før badet",
    )
    assert answer.reference.startswith("PRI-") and answer.reference != standing.reference
    assert db.session.get(VisitPriority, standing.id).status == PriorityStatus.REQUESTED
    # The recorded visit shows its answer, not the standing priority twice.
    shown = page.get("staff.record_visit", visit_id=visit.id).select(".app-priorities li")
    assert sum("Kaffe før badet" in li.get_text() for li in shown) == 1


def test_an_ael_record_whose_audit_entry_fails_writes_nothing(scene, audit_log_refuses):
    """DOMAIN.md "Ældreloven": reading. The elements' outcomes, the priorities answered and
    the visit recorded are committed with the audit entry, or none of them (issue 16)."""
    ael, visit, care, practical, walk, first, worker = scene
    priorities = priorities_for(db.session, [visit])[visit.id]
    planned = [(str(e.id), e.element_id) for e in visit.elements]
    lines, problems = element_outcomes(planned, {str(care.id), str(practical.id)}, set())
    assert problems == []
    answer = PriorityAnswer(str(first.id), PriorityKind(first.kind), first.element_id, met=True)
    record = AelRecord(tuple(lines), (answer,))
    nothing_written_when_the_audit_entry_is_refused(
        lambda: save_checked_ael_record(db.session, visit, record, priorities, worker)
    )
