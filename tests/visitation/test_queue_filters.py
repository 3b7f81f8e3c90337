"""The queue's team and provider filters read the case's own copy of the citizen's team
and provider (issue 5: paging that stays fast with 100,000 citizens); these tests hold
that copy to the citizen's, whatever changes the citizen, and the filtered keyset paging
to the plain sorted list at every page boundary.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import ActorKind, CaseKind, CaseStatus
from selvvisitation.extensions import db
from selvvisitation.models import Case, Citizen, Team
from selvvisitation.services.case_reads import QueueCursor, QueueFilters, queue_page
from selvvisitation.services.cases import open_case
from selvvisitation.services.interchange import import_document
from tests.clock import MONDAY
from tests.services.test_interchange import example

pytestmark = pytest.mark.today(MONDAY)


def _ids(municipality_id: int, filters: QueueFilters) -> list[int]:
    return [c.id for c in queue_page(db.session, municipality_id, filters, limit=1000).cases]


def test_a_new_case_takes_the_citizens_team_and_provider(factories, make_case):
    citizen = factories.Citizen()

    opened = make_case(citizen)
    built = Case(  # as tests/security/world.py builds one: by key, no service
        municipality_id=citizen.municipality_id,
        citizen_id=citizen.id,
        kind=CaseKind.FLAG,
        deadline=local_today(),
    )
    db.session.add(built)
    db.session.commit()

    for case in (opened, built):
        assert (case.team_id, case.provider_id) == (citizen.team_id, citizen.provider_id)
        assert case.team_id is not None and case.provider_id is not None


@pytest.mark.parametrize("how", ["object", "key"])
def test_moving_a_citizen_moves_their_open_cases_and_leaves_closed_ones(
    how, factories, visitator, make_case
):
    municipality = visitator.municipality
    old_team = factories.Team(provider__municipality=municipality)
    new_team = factories.Team(provider__municipality=municipality)
    citizen = factories.Citizen(municipality=municipality, team=old_team)
    open_one = make_case(citizen)
    in_progress = make_case(citizen)
    in_progress.status = CaseStatus.IN_PROGRESS
    closed = make_case(citizen)
    closed.status = CaseStatus.CLOSED
    db.session.commit()

    if how == "object":
        citizen.team, citizen.provider = new_team, new_team.provider
    else:
        citizen.team_id, citizen.provider_id = new_team.id, new_team.provider_id
    db.session.commit()
    db.session.expire_all()

    for case in (open_one, in_progress):
        assert (case.team_id, case.provider_id) == (new_team.id, new_team.provider_id)
        assert case.team is db.session.get(Team, new_team.id)
    assert (closed.team_id, closed.provider_id) == (old_team.id, old_team.provider_id)
    expected = sorted([open_one.id, in_progress.id])
    assert sorted(_ids(municipality.id, QueueFilters(team_id=new_team.id))) == expected
    assert sorted(_ids(municipality.id, QueueFilters(provider_id=new_team.provider_id))) == (
        expected
    )
    assert _ids(municipality.id, QueueFilters(team_id=old_team.id)) == []
    assert _ids(municipality.id, QueueFilters(provider_id=old_team.provider_id)) == []


def test_a_citizen_without_team_takes_it_off_their_open_cases(factories, make_case):
    citizen = factories.Citizen()
    case = make_case(citizen)
    provider_id = citizen.provider_id

    citizen.team = None
    db.session.commit()

    assert case.team_id is None
    assert case.provider_id == provider_id  # only what changed moves


def test_a_case_opened_in_the_same_flush_as_the_move_gets_the_new_team(
    factories, visitator, make_case
):
    citizen = factories.Citizen(municipality=visitator.municipality)
    new_team = factories.Team(provider__municipality=visitator.municipality)

    assert citizen.team is not None  # loaded: setting the key below leaves it stale
    citizen.team_id = new_team.id
    case = open_case(
        db.session, citizen=citizen, kind=CaseKind.FLAG, title="Ny", actor_kind=ActorKind.SYSTEM
    )
    db.session.commit()

    assert case.team_id == new_team.id


def test_an_import_that_moves_a_citizen_moves_their_open_case():
    # The import (docs/import-format.md) is where a citizen changes team in the app.
    document = example()
    assert import_document(db.session, document).ok
    citizen = db.session.scalars(select(Citizen)).one()
    case = open_case(
        db.session, citizen=citizen, kind=CaseKind.FLAG, title="Sag", actor_kind=ActorKind.SYSTEM
    )
    db.session.commit()
    old_team_id = case.team_id
    provider = document["providers"][0]
    provider["teams"].append({"name": "Team Vest"})
    document["citizens"][0]["team"] = {"provider": provider["name"], "name": "Team Vest"}

    assert import_document(db.session, document).ok
    db.session.commit()
    db.session.expire_all()

    west = db.session.scalars(select(Team).where(Team.name == "Team Vest")).one()
    assert case.team_id == west.id != old_team_id
    assert _ids(citizen.municipality_id, QueueFilters(team_id=west.id)) == [case.id]


def _pages(
    municipality_id: int, filters: QueueFilters, limit: int, today: date
) -> tuple[list[int], list]:
    seen, cursor, pages = [], None, []
    while True:
        page = queue_page(
            db.session, municipality_id, filters, after=cursor, limit=limit, today=today
        )
        seen += [c.id for c in page.cases]
        pages.append(page)
        cursor = page.next_cursor
        if cursor is None:
            return seen, pages


@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_filtered_keyset_paging_matches_the_sorted_list_at_every_boundary(
    size, factories, visitator, make_case
):
    municipality = visitator.municipality
    teams = [factories.Team(provider__municipality=municipality) for _ in range(2)]
    teams.append(factories.Team(provider=teams[0].provider))  # two teams of one provider
    citizens = [factories.Citizen(municipality=municipality, team=team) for team in teams]
    rng = random.Random(size)
    today = local_today()
    made = []
    for _ in range(30):
        case = make_case(
            rng.choice(citizens),
            kind=rng.choice(list(CaseKind)),
            priority=rng.choice((1, 2, 3)),
            deadline=today + timedelta(days=rng.randrange(-3, 4)),  # ties: id decides
        )
        made.append(case)
    made[0].status = CaseStatus.CLOSED
    db.session.commit()

    team, provider = teams[0], teams[0].provider
    for filters in [
        QueueFilters(),
        QueueFilters(team_id=team.id),
        QueueFilters(provider_id=provider.id),
        QueueFilters(kind=CaseKind.FLAG),
        QueueFilters(team_id=team.id, kind=CaseKind.FLAG),
        QueueFilters(provider_id=provider.id, kind=CaseKind.STAFF_REPORT),
        QueueFilters(team_id=teams[1].id, provider_id=provider.id),  # contradictory: none
    ]:
        expected = sorted(
            (
                c
                for c in made
                if c.status != CaseStatus.CLOSED
                and filters.team_id in (None, c.citizen.team_id)
                and filters.provider_id in (None, c.citizen.provider_id)
                and filters.kind in (None, c.kind)
            ),
            # Overdue first (issue 12), then priority, deadline, id.
            key=lambda c: (c.deadline >= today, c.priority, c.deadline, c.id),
        )

        seen, pages = _pages(municipality.id, filters, size, today)

        assert seen == [c.id for c in expected], filters
        assert all(page.total == len(expected) for page in pages)
        # Full pages until the last; the last is never empty unless nothing matches.
        assert [len(p.cases) for p in pages[:-1]] == [size] * (len(pages) - 1)
        assert 0 < len(pages[-1].cases) <= size or expected == []


@pytest.mark.parametrize("count", [24, 25, 26])
def test_a_next_page_exists_only_when_more_cases_follow(count, factories, visitator, make_case):
    citizen = factories.Citizen(municipality=visitator.municipality)
    made = [make_case(citizen) for _ in range(count)]

    first = queue_page(db.session, visitator.municipality_id, QueueFilters(team_id=citizen.team_id))

    assert len(first.cases) == min(count, 25)
    assert (first.next_cursor is not None) == (count > 25)
    after_last = QueueCursor(made[-1].priority, made[-1].deadline, made[-1].id)
    beyond = queue_page(db.session, visitator.municipality_id, QueueFilters(), after=after_last)
    assert beyond.cases == [] and beyond.next_cursor is None
