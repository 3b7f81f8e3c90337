"""services.column_reads: a select of columns on the session's connection gives what
Session.execute gives, in the same transaction, and sees what the session has not written yet.

Issue 17: the day list's and the dialogue's column selects skip the ORM's row loading.
"""

from __future__ import annotations

import pytest
from sqlalchemy import CursorResult, select

from selvvisitation.domain.types import ActorKind
from selvvisitation.extensions import db
from selvvisitation.models import Visit, Wish
from selvvisitation.services.column_reads import read_columns
from selvvisitation.services.day_list import _DAY_LIST
from tests.clock import MONDAY
from tests.staff.test_day_list_statements import _team_of

pytestmark = pytest.mark.today(MONDAY)

_WISHES = select(Wish.citizen_id, Wish.kind, Wish.text, Wish.created_at, Wish.created_by_kind)


def test_the_rows_are_session_execute_s_value_by_value(app, factories):
    # The day list's own statement: enums, dates and UTC datetimes come back decoded alike.
    scene = _team_of(factories, 5)
    bound = {"team_id": scene.visit.team_id, "day": scene.visit.day}
    session = db.session()

    through_the_orm = [tuple(row) for row in session.execute(_DAY_LIST, bound)]
    on_the_connection = read_columns(session, _DAY_LIST, bound)

    assert isinstance(on_the_connection, CursorResult)  # no ORM loading of the rows
    assert [tuple(row) for row in on_the_connection] == through_the_orm
    assert len(through_the_orm) >= 5


def test_what_the_session_has_not_written_is_read(app, factories):
    citizen = factories.Citizen()
    db.session.flush()
    wish = Wish(
        citizen_id=citizen.id, kind="time", text="Før kl. 9", created_by_kind=ActorKind.CITIZEN
    )
    db.session.add(wish)  # pending: not yet sent to the database

    rows = read_columns(db.session(), _WISHES).all()

    assert [(row.citizen_id, row.kind, row.text) for row in rows] == [
        (citizen.id, "time", "Før kl. 9")
    ]
    assert rows[0].created_by_kind is ActorKind.CITIZEN
    assert rows[0].created_at.tzinfo is not None


def test_without_autoflush_nothing_is_written_first(app, factories):
    # As Session.execute: inside no_autoflush the pending wish stays unwritten and unread.
    citizen = factories.Citizen()
    db.session.flush()
    db.session.add(
        Wish(
            citizen_id=citizen.id, kind="time", text="Før kl. 9", created_by_kind=ActorKind.CITIZEN
        )
    )
    session = db.session()

    with session.no_autoflush:
        assert read_columns(session, _WISHES).all() == []
        assert session.execute(_WISHES).all() == []
    assert len(read_columns(session, _WISHES).all()) == 1


def test_it_reads_in_the_session_s_own_transaction(app, factories):
    # A visit changed and flushed, not committed, is read as changed: the same connection.
    scene = _team_of(factories, 1)
    scene.visit.cancelled = True
    db.session.flush()

    cancelled = read_columns(
        db.session(), select(Visit.cancelled).where(Visit.id == scene.visit.id)
    ).scalar_one()

    assert cancelled is True
