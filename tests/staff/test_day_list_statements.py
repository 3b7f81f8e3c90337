"""The worker's day list costs the same number of SQL statements for 5 visits as for 40.

Issue 17: the day list issued 34 statements on SQLite for a team of 20 visits, 20 of them
one audit INSERT per citizen shown; its cost must not grow with the team. Counted with the
engine's own statement events, on whichever database the suite runs on.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from selvvisitation.extensions import db
from tests.pages import sign_in_staff
from tests.staff.helpers import visit_scene


@contextmanager
def counted_statements():
    statements: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _many) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _team_of(factories, size: int):
    """A worker's team with `size` citizens, each with a visit today (two services each)."""
    scene = visit_scene(factories)
    for n in range(size - 1):
        citizen = factories.Citizen(
            municipality=scene.citizen.municipality,
            team=scene.citizen.team,
            provider=scene.citizen.provider,
            name=f"Borger {n}",
        )
        visit = factories.Visit(
            citizen=citizen,
            team=scene.visit.team,
            day=scene.visit.day,
            planned_staff_id=scene.worker.id,
        )
        for item in scene.items:
            factories.VisitService(visit=visit, service=item.service, planned_minutes=30)
    db.session.commit()
    return scene


def _statements_for_the_day_list(client, factories, size: int, url: str) -> int:
    scene = _team_of(factories, size)
    sign_in_staff(client, scene.worker)
    client.get(url)  # warm: the first request loads what every one does
    with counted_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('class="app-visit') >= size
    return len(statements)


@pytest.mark.parametrize("url", ["/personale/besoeg", "/personale/besoeg?vis=team"])
def test_the_day_list_issues_as_many_statements_for_40_visits_as_for_5(app, factories, url):
    """The worker's own list (issue 12) and the team's, each planned for the worker."""
    small = _statements_for_the_day_list(app.test_client(), factories, 5, url)
    from tests.conftest import _clean_tables

    _clean_tables()
    large = _statements_for_the_day_list(app.test_client(), factories, 40, url)

    assert large == small, f"5 visits: {small} statements, 40 visits: {large}"
