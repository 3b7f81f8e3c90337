"""The day list's visits carry each field from the ORM row's attribute of the same name.

Issue 17: services.day_list reads the team's visits, with their citizens, lines, changes
and move requests, as plain records in one statement of columns instead of ORM objects;
the records must say what services.staff_visits.team_visits' rows say, field by field, so
that two columns changing places in the statement can never mix the fields. Every field
here has a value of its own (no two alike where a swap could hide).
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import UTC, datetime, timedelta

import pytest

from selvvisitation.domain.types import (
    ActorKind,
    CancelReason,
    MoveRequestStatus,
    VisitChangeKind,
    VisitServiceOutcome,
)
from selvvisitation.extensions import db
from selvvisitation.models import MoveRequest, VisitChange
from selvvisitation.services.day_list import day_list
from selvvisitation.services.staff_visits import team_visits
from tests.clock import MONDAY
from tests.staff.test_day_list_statements import _team_of

pytestmark = pytest.mark.today(MONDAY)


def _same(listed, orm, where: str) -> int:
    """Compare the record with the ORM row field by field (records within, lists item by
    item); the number of fields compared."""
    if not is_dataclass(listed):
        assert listed == orm, where
        return 1
    assert orm is not None, where
    compared = 0
    for name in (f.name for f in fields(listed)):
        mine, theirs = getattr(listed, name), getattr(orm, name)
        if isinstance(mine, list):
            for n, (item, orm_item) in enumerate(zip(mine, theirs, strict=True)):
                compared += _same(item, orm_item, f"{where}.{name}[{n}]")
        elif mine is None:
            assert theirs is None, f"{where}.{name}"
        else:
            compared += _same(mine, theirs, f"{where}.{name}")
    return compared


def _with_every_field(factories, scene) -> None:
    """Give the team's visits values the list shows that _team_of leaves alike or empty:
    the citizens' own address, phone and access note, a recorded visit, a cancellation by a
    relative with its reason (DOMAIN.md, issue 14) and a declined move request."""
    day = scene.visit.day
    visits = sorted(team_visits(db.session(), scene.visit.team_id, day, day), key=lambda v: v.id)
    for n, visit in enumerate(visits):
        visit.citizen.address = f"Vej {n}, 8000 Aarhus C"
        visit.citizen.phone = f"2000{n:04d}"
        visit.citizen.access_note = f"Nøgle i boks {n}"
        visit.time_frame_minutes = 30 + n
    recorded, cancelled = visits[0], visits[1]
    recorded.recorded_at = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    recorded.services[0].outcome = VisitServiceOutcome.CHANGED
    relative = factories.Relative(name="Karen Jensen")
    cancelled.cancelled = True
    db.session.add_all(
        [
            VisitChange(
                reference="C-AFLYST",
                visit_id=cancelled.id,
                citizen_id=cancelled.citizen_id,
                kind=VisitChangeKind.CANCELLED,
                reason=CancelReason.OTHER,
                reason_text="Hun er hos sin søster",
                notice_due=True,
                old_starts_at=cancelled.starts_at - timedelta(hours=2),
                old_ends_at=cancelled.ends_at - timedelta(hours=2),
                created_by_kind=ActorKind.RELATIVE,
                created_by_relative_id=relative.id,
            ),
            MoveRequest(
                reference="F-AFSLAAET",
                visit_id=recorded.id,
                citizen_id=recorded.citizen_id,
                wish="Hellere om eftermiddagen",
                status=MoveRequestStatus.DECLINED,
                created_by_kind=ActorKind.CITIZEN,
            ),
        ]
    )
    db.session.commit()


def test_the_day_list_s_visits_are_the_orm_s_field_by_field(app, factories):
    scene = _team_of(factories, 4)
    _with_every_field(factories, scene)
    session = db.session()
    team_id, day = scene.visit.team_id, scene.visit.day
    session.expunge_all()  # the ORM's rows read afresh, as the records are
    orm_visits = team_visits(session, team_id, day, day)
    listed_visits = day_list(session, team_id, day)

    compared = 0
    for n, (listed, orm) in enumerate(zip(listed_visits, orm_visits, strict=True)):
        compared += _same(listed, orm, f"visit[{n}]")
    # Every kind the list shows was compared.
    assert any(visit.elements for visit in listed_visits)
    assert any(visit.recorded_at for visit in listed_visits)
    assert any(change.created_by_relative for v in listed_visits for change in v.changes)
    assert compared > 100
