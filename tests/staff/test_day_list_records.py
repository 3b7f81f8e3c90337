"""The day list's records carry each field from the ORM row's attribute of the same name.

Issue 17: services.day_list reads the swaps and the AEL priorities as plain records instead
of ORM objects; the records must say what the ORM's rows say, field by field, so that a
column added to a select can never shift the values into the wrong fields.
"""

from __future__ import annotations

from dataclasses import fields

import pytest

from selvvisitation.extensions import db
from selvvisitation.services.ael_visits import priorities_for
from selvvisitation.services.day_list import (
    ListedPriority,
    ListedSwap,
    day_list,
    day_list_priorities,
    day_list_wishes,
)
from selvvisitation.services.staff_visits import team_visits, wishes_for
from tests.clock import MONDAY
from tests.staff.test_day_list_statements import _team_of

pytestmark = pytest.mark.today(MONDAY)


def _own_fields(record_type, *related: str) -> list[str]:
    return [f.name for f in fields(record_type) if f.name not in related]


def test_the_day_list_s_swaps_and_priorities_are_the_orm_s_field_by_field(app, factories):
    scene = _team_of(factories, 7)
    session = db.session()
    team_id, day = scene.visit.team_id, scene.visit.day
    orm_visits = team_visits(session, team_id, day, day)
    listed_visits = day_list(session, team_id, day)

    orm_priorities = priorities_for(session, orm_visits)
    listed_priorities = day_list_priorities(session, listed_visits)
    orm_wishes = wishes_for(session, orm_visits)
    listed_wishes = day_list_wishes(session, listed_visits)

    priorities = swaps = 0
    for visit in orm_visits:
        for orm, listed in zip(orm_priorities[visit.id], listed_priorities[visit.id], strict=True):
            for name in _own_fields(ListedPriority, "element", "created_by_relative"):
                assert getattr(listed, name) == getattr(orm, name), name
            assert listed.element.name_da == orm.element.name_da
            priorities += 1
        for orm, listed in zip(
            orm_wishes[visit.id].swaps, listed_wishes[visit.id].swaps, strict=True
        ):
            for name in _own_fields(ListedSwap, "created_by_relative", "dropped", "added"):
                assert getattr(listed, name) == getattr(orm, name), name
            assert [line.service.name_da for line in listed.dropped] == [
                line.service.name_da for line in orm.dropped
            ]
            assert [line.minutes for line in listed.added] == [line.minutes for line in orm.added]
            swaps += 1
    assert priorities >= 2 and swaps >= 4  # every kind the list shows was compared
