"""The day list and the week list join a visit's lines by the visit id's index on SQLite.

Issue 17: visit_service is joined on the visit id and on its own day (where it is
partitioned by month, only that month is read). SQLite keeps no statistics, and for that
join picked ix_visit_service_day, reading every line of the municipality's day for each
visit; database.NoIndexOnSQLite keeps it to ix_visit_service_visit_id there (SQLite's
unary +), and PostgreSQL's SQL stays the plain join.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql, sqlite

from selvvisitation.extensions import db
from selvvisitation.services import day_list
from selvvisitation.services.staff_visits import team_visits_select

JOIN = "visit_service.visit_id = visit.id AND {}visit_service.day = visit.day"
FIRST, LAST = date(2026, 3, 2), date(2026, 3, 8)  # a week, Monday to Sunday

STATEMENTS = {
    "day list": day_list._DAY_LIST.params(team_id=1, day=FIRST),
    "week list": team_visits_select(1, FIRST, LAST),
}


def _sql(statement, dialect) -> str:
    return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


@pytest.mark.parametrize("name", STATEMENTS)
def test_on_sqlite_the_lines_day_is_not_looked_up_by_its_index(name):
    assert JOIN.format("+") in _sql(STATEMENTS[name], sqlite.dialect())


@pytest.mark.parametrize("name", STATEMENTS)
def test_postgresql_reads_the_plain_join(name):
    sql = _sql(STATEMENTS[name], postgresql.dialect())
    assert JOIN.format("") in sql
    assert "+visit_service" not in sql


@pytest.mark.parametrize("name", STATEMENTS)
def test_sqlite_plans_the_lines_by_the_visit_id_s_index(app, name):
    session = db.session()
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's query planner")
    sql = _sql(STATEMENTS[name], sqlite.dialect())
    plan = [row[3] for row in session.execute(text("EXPLAIN QUERY PLAN " + sql))]
    lines = [step for step in plan if step.startswith("SEARCH visit_service")]
    assert lines and all("ix_visit_service_visit_id" in step for step in lines), plan
