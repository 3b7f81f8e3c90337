"""The visitators' work queue (issue 5): open cases, urgent first, filters, keyset paging."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from selvvisitation.domain.dates import local_day, local_today
from selvvisitation.domain.types import CaseKind, CaseStatus, StaffRole
from selvvisitation.domain.workdays import add_working_days
from selvvisitation.extensions import db
from selvvisitation.services.case_reads import QueueCursor, QueueFilters, queue_page
from tests.clock import BEFORE_EASTER, NEW_YEARS_EVE
from tests.pages import sign_in_staff

# Deadlines count working days (seed 002): the day before Easter's three weekday holidays.
pytestmark = pytest.mark.today(BEFORE_EASTER)


def _rows(soup):
    return [row.select("td") for row in soup.select("table.app-queue tbody tr")]


def test_queue_lists_open_cases_of_the_visitators_municipality_only(
    page, client, factories, visitator, make_case
):
    mine = factories.Citizen(municipality=visitator.municipality, name="Else Ens")
    other = factories.Citizen(name="Anden Kommune")
    make_case(mine)
    make_case(other)
    closed = make_case(factories.Citizen(municipality=visitator.municipality, name="Lukket"))
    closed.status = CaseStatus.CLOSED
    db.session.commit()
    sign_in_staff(client, visitator)

    soup = page.get("visitation.queue")

    names = [cells[1].select_one("a").text for cells in _rows(soup)]
    assert names == ["Else Ens"]
    assert "1 åben sag" in soup.select_one(".app-count").text


@pytest.mark.parametrize(
    "moment",
    [
        pytest.param(BEFORE_EASTER, id="before Easter"),
        # 23:30 on 31 December: nytårsaftensdag and 1 January are days off, then a weekend.
        pytest.param(NEW_YEARS_EVE, marks=pytest.mark.today(NEW_YEARS_EVE), id="New Year"),
    ],
)
def test_queue_says_working_days_left_and_marks_overdue_in_words(
    page, client, factories, visitator, make_case, moment
):
    # Deadlines count working days (hverdage), seed 002: case processing in 5 working days.
    today = local_today()
    assert today == local_day(moment)  # the day the clock stands on
    citizen = factories.Citizen(municipality=visitator.municipality)
    make_case(citizen, deadline=add_working_days(today, 3), title="Snart")
    make_case(citizen, deadline=add_working_days(today, -2), title="Gammel")
    sign_in_staff(client, visitator)

    soup = page.get("visitation.queue")

    deadlines = {cells[2].select_one(".app-muted").text: cells[4].text for cells in _rows(soup)}
    assert "3 hverdage tilbage" in deadlines["Snart"]
    assert "Overskredet: 2 hverdage" in deadlines["Gammel"]
    assert soup.select_one("tr.app-overdue-row .app-overdue").text.startswith("Overskredet")


def test_queue_puts_high_priority_first_then_earliest_deadline(factories, visitator, make_case):
    citizen = factories.Citizen(municipality=visitator.municipality)
    late_high = make_case(citizen, priority=1, deadline=local_today() + timedelta(days=20))
    early_normal = make_case(citizen, priority=2, deadline=local_today())
    later_normal = make_case(citizen, priority=2, deadline=local_today() + timedelta(days=3))

    result = queue_page(db.session, visitator.municipality_id, QueueFilters())

    assert [c.id for c in result.cases] == [late_high.id, early_normal.id, later_normal.id]


def test_overdue_cases_come_first_whatever_their_priority(factories, visitator, make_case):
    # Issue 12, "The queue's order": overdue cases first, then by working days left. A case
    # due today is not overdue yet; one due yesterday is, even at low priority.
    today = date(2026, 11, 18)
    citizen = factories.Citizen(municipality=visitator.municipality)
    high_later = make_case(citizen, priority=1, deadline=today + timedelta(days=5))
    due_today = make_case(citizen, priority=2, deadline=today)
    low_overdue = make_case(citizen, priority=3, deadline=today - timedelta(days=1))
    normal_overdue = make_case(citizen, priority=2, deadline=today - timedelta(days=4))

    result = queue_page(db.session, visitator.municipality_id, QueueFilters(), today=today)

    assert [c.id for c in result.cases] == [
        normal_overdue.id,
        low_overdue.id,
        high_later.id,
        due_today.id,
    ]


def _queue_order(case, today):
    return (0 if case.deadline < today else 1, case.priority, case.deadline, case.id)


def test_keyset_paging_visits_every_case_once_in_order(factories, visitator, make_case):
    citizen = factories.Citizen(municipality=visitator.municipality)
    today = date(2026, 11, 18)
    made = [  # deadlines from yesterday (overdue) to two days ahead
        make_case(citizen, priority=1 + n % 3, deadline=today + timedelta(days=n % 4 - 1))
        for n in range(11)
    ]

    seen, cursor = [], None
    while True:
        result = queue_page(
            db.session,
            visitator.municipality_id,
            QueueFilters(),
            after=cursor,
            limit=3,
            today=today,
        )
        seen += result.cases
        cursor = result.next_cursor
        if cursor is None:
            break

    expected = sorted(made, key=lambda c: _queue_order(c, today))
    assert [c.id for c in seen] == [c.id for c in expected]
    assert result.total == 11


def test_next_page_link_carries_the_filters(page, client, factories, visitator, make_case):
    team = factories.Team(provider__municipality=visitator.municipality)
    citizen = factories.Citizen(municipality=visitator.municipality, team=team)
    for _ in range(26):
        make_case(citizen)
    sign_in_staff(client, visitator)

    soup = page.get("visitation.queue", team=team.id)
    next_link = soup.select_one("a[rel=next]")["href"]

    assert f"team={team.id}" in next_link
    second = page.get_url(next_link)
    assert len(_rows(second)) == 1


@pytest.mark.parametrize("field", ["team", "provider"])
def test_filter_by_team_or_provider_shows_only_their_citizens(
    field, page, client, factories, visitator, make_case
):
    team = factories.Team(provider__municipality=visitator.municipality)
    other_team = factories.Team(provider__municipality=visitator.municipality)
    make_case(factories.Citizen(municipality=visitator.municipality, team=team, name="Med"))
    make_case(factories.Citizen(municipality=visitator.municipality, team=other_team, name="Uden"))
    sign_in_staff(client, visitator)

    value = team.id if field == "team" else team.provider.id
    soup = page.get("visitation.queue", **{field: value})

    assert [cells[1].select_one("a").text for cells in _rows(soup)] == ["Med"]


def test_filter_by_reason_shows_only_that_kind(page, client, factories, visitator, make_case):
    citizen = factories.Citizen(municipality=visitator.municipality)
    make_case(citizen, kind=CaseKind.STAFF_REPORT, title="Rapport")
    make_case(citizen, kind=CaseKind.FLAG, title="Flag")
    sign_in_staff(client, visitator)

    soup = page.get("visitation.queue", kind="staff_report")

    assert [cells[2].select_one(".app-muted").text for cells in _rows(soup)] == ["Rapport"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"team": "abc"}, "Vælg et team fra listen"),
        ({"provider": "999999"}, "Vælg en leverandør fra listen"),
        ({"kind": "nonsense"}, "Vælg en årsag fra listen"),
    ],
)
def test_bad_filter_values_are_explained_and_show_all_cases(
    args, message, page, client, factories, visitator, make_case
):
    make_case(factories.Citizen(municipality=visitator.municipality))
    sign_in_staff(client, visitator)

    soup = page.get("visitation.queue", **args)

    assert message in soup.select_one(".alert-error").text
    assert soup.title.text.startswith("Fejl: ")
    assert len(_rows(soup)) == 1


def test_another_municipalitys_team_is_not_a_valid_filter(
    page, client, factories, visitator, make_case
):
    foreign = factories.Team()
    make_case(factories.Citizen(municipality=visitator.municipality))
    sign_in_staff(client, visitator)

    soup = page.get("visitation.queue", team=foreign.id)

    assert "Vælg et team fra listen" in soup.select_one(".alert-error").text


@pytest.mark.parametrize("text", ["", "x", "1.2", "a.b.c", "1.2026-13-01.3", "1.-.x", "1.-.3"])
def test_malformed_paging_cursor_is_ignored(text):
    assert QueueCursor.decode(text) is None


def test_cursor_round_trips():
    cursor = QueueCursor(2, date(2026, 5, 4), 17)
    assert QueueCursor.decode(cursor.encode()) == cursor


@pytest.mark.parametrize(
    "role", [StaffRole.HOME_CARE_WORKER, StaffRole.TEAM_LEADER, StaffRole.MUNICIPALITY_ADMIN]
)
def test_other_staff_roles_cannot_open_the_queue(role, client, factories):
    staff = factories.StaffUser(role=role)
    sign_in_staff(client, staff)
    assert client.get("/visitation/").status_code == 403


def test_citizens_cannot_open_the_queue(client, factories):
    from tests.pages import sign_in_citizen

    sign_in_citizen(client, factories.Citizen())
    assert client.get("/visitation/").status_code == 403
