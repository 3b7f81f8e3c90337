"""selvvisitation.id_lists: ids bound as one value find what an IN list of them finds, in
SQL that does not change with the list's length (issue 17), on SQLite as on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import and_, or_, select

from selvvisitation.extensions import db
from selvvisitation.id_lists import in_id_list
from selvvisitation.models import Citizen, SwapRequest, Wish
from tests.statements import counted_statements

_CITIZENS = select(Citizen.id).where(in_id_list(Citizen.id, "ids")).order_by(Citizen.id)


@pytest.fixture
def citizen_ids(app, factories) -> list[int]:
    citizens = [factories.Citizen(name=f"Borger {n}") for n in range(5)]
    db.session.flush()
    return [citizen.id for citizen in citizens]


def test_the_ids_find_the_rows_an_in_list_finds(citizen_ids):
    wanted = [citizen_ids[3], citizen_ids[0], citizen_ids[3]]  # any order, twice over

    found = db.session.scalars(_CITIZENS, {"ids": wanted}).all()

    in_list = select(Citizen.id).where(Citizen.id.in_(wanted)).order_by(Citizen.id)
    assert found == db.session.scalars(in_list).all() == [citizen_ids[0], citizen_ids[3]]


def test_no_ids_find_no_row(citizen_ids):
    assert db.session.scalars(_CITIZENS, {"ids": []}).all() == []


def test_an_id_that_is_no_row_s_finds_nothing(citizen_ids):
    assert db.session.scalars(_CITIZENS, {"ids": [max(citizen_ids) + 1]}).all() == []


def test_one_id_and_all_of_them_ask_in_the_same_sql(citizen_ids):
    with counted_statements() as statements:
        one = db.session.scalars(_CITIZENS, {"ids": citizen_ids[:1]}).all()
        every = db.session.scalars(_CITIZENS, {"ids": citizen_ids}).all()

    assert (one, every) == (citizen_ids[:1], citizen_ids)
    assert len(statements) == 2 and statements[0] == statements[1]


def test_a_value_that_is_no_id_is_refused_before_the_database_sees_it(citizen_ids):
    with pytest.raises(Exception, match="invalid literal for int"):
        db.session.scalars(_CITIZENS, {"ids": ["1); DROP TABLE citizen; --"]}).all()


@pytest.mark.parametrize(
    "statement",
    [
        select(Wish.id).where(in_id_list(Wish.citizen_id, "ids")),
        # As the day list asks for swaps: at the visits, or standing for the citizens.
        select(SwapRequest.id).where(
            or_(
                in_id_list(SwapRequest.visit_id, "ids"),
                and_(SwapRequest.visit_id.is_(None), in_id_list(SwapRequest.citizen_id, "ids")),
            )
        ),
    ],
    ids=["alone", "in an OR"],
)
def test_sqlite_looks_each_id_up_by_the_column_s_index(app, statement):
    # Written as "(… IN …) = 1", as it first was, SQLite read every row of the table.
    session = db.session()
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's query planner")
    sql = str(statement.compile(dialect=session.get_bind().dialect))
    ids = ("[1, 2]",) * sql.count("?")
    plan = [
        row[3] for row in session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", ids)
    ]
    assert not [step for step in plan if step.startswith(("SCAN wish", "SCAN swap_request"))], plan
    assert [step for step in plan if step.startswith(("SEARCH wish", "SEARCH swap_request"))], plan
