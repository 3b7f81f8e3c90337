"""The worker's day list costs at most 6 SQL statements, for 5 visits as for 40.

Issue 17: the day list issued 34 statements on SQLite for a team of 20 visits, 20 of them
one audit INSERT per citizen shown, and 17-18 after that was one INSERT; its cost must not
grow with the team, and the target is at most 6: the signed-in worker (with her session's
sign-out check, municipality, policy, provider and unread messages), the visits (with
citizens, lines, changes and move requests), the swaps, the wishes, the AEL priorities and
the one audit INSERT. Every visit here carries what the list shows (a swap with its lines,
a preference, a move request, a change; every third visit an AEL visit with a priority),
so nothing the template reads can come one statement per visit.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from selvvisitation.domain.types import ActorKind, VisitChangeKind
from selvvisitation.extensions import db
from selvvisitation.models import MoveRequest, VisitChange
from tests.clock import MONDAY
from tests.pages import sign_in_staff
from tests.staff.helpers import preference, visit_scene, wished_swap
from tests.statements import counted_statements

pytestmark = pytest.mark.today(MONDAY)

MOST_STATEMENTS = 6


def _wishes_and_changes(factories, scene, citizen, visit, n: int) -> None:
    """What the list shows besides the visit: every kind of wish and change."""
    if n % 3 == 2:
        # An AEL visit (DOMAIN.md "Ældreloven"): elements and a priority, no services.
        element = factories.VisitElement(visit=visit).element
        factories.VisitPriority(citizen=citizen, visit_id=visit.id, element=element)
    else:
        for item in scene.items:
            factories.VisitService(visit=visit, service=item.service, planned_minutes=30)
        wished_swap(
            citizen,
            drop=scene.services["PH-STOEV"],
            add=scene.services["PH-VINDUE"],
            visit=visit,
            reference=f"R-{n}",
        )
    preference(citizen, "Den blå trøje", visit=visit)
    db.session.add_all(
        [
            MoveRequest(
                reference=f"F-{n}",
                visit_id=visit.id,
                citizen_id=citizen.id,
                wish="Lidt senere, tak",
                created_by_kind=ActorKind.CITIZEN,
            ),
            VisitChange(
                reference=f"C-{n}",
                visit_id=visit.id,
                citizen_id=citizen.id,
                kind=VisitChangeKind.MOVED,
                old_starts_at=visit.starts_at - timedelta(hours=1),
                old_ends_at=visit.ends_at - timedelta(hours=1),
                created_by_kind=ActorKind.STAFF,
            ),
        ]
    )


def _team_of(factories, size: int):
    """A worker's team with `size` citizens, each with a visit today planned for her."""
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
        _wishes_and_changes(factories, scene, citizen, visit, n)
    db.session.commit()
    return scene


def _statements_for_the_day_list(client, factories, size: int, url: str) -> list[str]:
    scene = _team_of(factories, size)
    sign_in_staff(client, scene.worker)
    client.get(url)  # warm: the first request loads what every one does
    with counted_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('class="app-visit') >= size
    assert "Lidt senere, tak" in page and "Den blå trøje" in page  # the wishes are shown
    return statements


def _for_5_visits_and_for_40(app, factories, url: str) -> tuple[list[str], list[str]]:
    """The day list's statements for a team of 5 visits, then (tables emptied) of 40."""
    from tests.conftest import _clean_tables

    small = _statements_for_the_day_list(app.test_client(), factories, 5, url)
    _clean_tables()
    return small, _statements_for_the_day_list(app.test_client(), factories, 40, url)


@pytest.mark.parametrize("url", ["/personale/besoeg", "/personale/besoeg?vis=team"])
def test_the_day_list_issues_at_most_6_statements_for_5_visits_and_for_40(app, factories, url):
    """The worker's own list (issue 12) and the team's, each planned for the worker."""
    small, large = (len(statements) for statements in _for_5_visits_and_for_40(app, factories, url))

    assert large == small, f"5 visits: {small} statements, 40 visits: {large}"
    assert large <= MOST_STATEMENTS, f"{large} statements (at most {MOST_STATEMENTS})"


def test_the_day_list_s_statements_read_the_same_for_5_visits_and_for_40(app, factories):
    """The visits, citizens and days are bound as values, never written into the SQL
    (selvvisitation.id_lists): a list of 40 asks with the same text as a list of 5, so the
    app renders each statement once and PostgreSQL keeps one plan for it (issue 17)."""
    small, large = _for_5_visits_and_for_40(app, factories, "/personale/besoeg")

    assert large == small
