"""The provider report reads from the read replica when one is configured (issue 16).

A second database stands in for the replica (tests/conftest.py: ``replica``): on
PostgreSQL a database beside the worker's own, on SQLite a second file. The primary is
copied into it, then the primary moves on, as under replication lag: the report shows the
replica's figures, every write lands on the primary and none on the replica.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from selvvisitation.extensions import db
from selvvisitation.models import SupervisionVisit, Visit
from selvvisitation.replica import has_replica, report_session
from tests.clock import MONDAY
from tests.pages import check_page, csrf_token, sign_in_staff
from tests.supervision.test_visit_views import visit_form

pytestmark = pytest.mark.today(MONDAY)


def visits_planned(client, provider) -> str:
    """The report's first key figure: the provider's visits planned in the last year."""
    response = client.get(f"/tilsyn/leverandoer/{provider.id}/rapport")
    assert response.status_code == 200, response.status_code
    soup = check_page(response.get_data(as_text=True))
    return soup.select_one(".app-key-figures__value").get_text(strip=True)


def add_visits(factories, citizen, count: int) -> None:
    today = MONDAY.date()
    for days_ago in range(1, count + 1):
        factories.Visit(citizen=citizen, day=today - timedelta(days=days_ago))
    db.session.commit()


def test_the_report_reads_the_replica_and_the_primary_without_one(
    client, factories, world, replica
):
    add_visits(factories, world.citizens[0], 3)
    replica.copy_primary()
    add_visits(factories, world.citizens[1], 2)  # on the primary only: the replica lags
    assert replica.count(Visit) == 3
    assert db.session.scalar(select(db.func.count(Visit.id))) == 5

    replica_client = replica.app.test_client()
    sign_in_staff(replica_client, world.supervisor)
    assert visits_planned(replica_client, world.provider) == "3"
    # The same report on an app without a replica reads the primary (the SQLite demo's way).
    sign_in_staff(client, world.supervisor)
    assert visits_planned(client, world.provider) == "5"


def test_writes_go_to_the_primary_never_to_the_replica(world, replica):
    replica.copy_primary()
    replica_client = replica.app.test_client()
    sign_in_staff(replica_client, world.supervisor)
    response = replica_client.post(
        f"/tilsyn/leverandoer/{world.provider.id}/besoeg/nyt",
        data={**visit_form(), "csrf_token": csrf_token(replica_client)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.commit()  # a fresh read: SQLite's snapshot would not see the app's commit
    assert db.session.scalar(select(db.func.count(SupervisionVisit.id))) == 1
    assert replica.count(SupervisionVisit) == 0


def test_the_replica_session_cannot_write(replica):
    with replica.app.app_context():
        assert has_replica()
        session = report_session()
        assert session is not db.session()
        with pytest.raises(DBAPIError, match="(?i)read.only|readonly"):
            session.execute(text("DELETE FROM visit"))


def test_without_a_replica_the_report_reads_with_the_primary_session(app):
    assert not has_replica()
    assert report_session() is db.session()  # the app context's own session
