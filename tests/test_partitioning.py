"""deploy/postgresql/partition_visit_service.sql on a database at head, and the app after it.

docs/deployment.md, "Partitioning the visit lines by month": the script converts
visit_service to a table partitioned by month in one transaction, and the app needs no
change. Run on a database of its own beside the worker's (``<test database>_partitioned``),
as the replica's stand-in is, so the rest of the suite keeps the plain schema. PostgreSQL
only: SQLite has no partitioning, and the script is not in the migrations' chain for that
reason.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from selvvisitation import config as configs
from selvvisitation import create_app
from selvvisitation.extensions import db
from selvvisitation.models import Visit, VisitService
from selvvisitation.partitioning import PartitioningError, partition_visit_lines
from selvvisitation.services.flags import evaluate_municipality
from tests.conftest import _create_postgresql_database, build_schema_from_migrations, drop_schema

pytestmark = pytest.mark.skipif(
    not os.environ["TEST_DATABASE_URL"].startswith("postgresql"),
    reason="PostgreSQL only: SQLite cannot partition a table",
)


def run_script(url: str) -> str:
    try:
        return partition_visit_lines(url)
    except PartitioningError as error:
        raise AssertionError(str(error)) from error


@pytest.fixture(scope="module")
def partitioned_app(app):
    """An app on a database of its own, at head, with visit_service partitioned."""
    url = make_url(os.environ["TEST_DATABASE_URL"])
    url = url.set(database=f"{url.database}_partitioned")
    _create_postgresql_database(os.environ["TEST_DATABASE_URL"], str(url.database))
    config = configs.TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url.render_as_string(hide_password=False)
    application = create_app(config)
    with application.app_context():
        build_schema_from_migrations()
        db.session.remove()
        db.engine.dispose()
    run_script(config.SQLALCHEMY_DATABASE_URI)
    yield application
    with application.app_context():
        drop_schema()
        db.engine.dispose()


def partition_of(line: VisitService) -> str:
    return db.session.scalar(
        text("SELECT tableoid::regclass::text FROM visit_service WHERE id = :id"), {"id": line.id}
    )


def test_the_script_partitions_the_lines_by_month_and_the_app_works_on(partitioned_app, factories):
    with partitioned_app.app_context():
        partitions = db.session.scalar(
            text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'visit_service'::regclass")
        )
        assert partitions >= 13  # this month, 12 ahead, and DEFAULT
        # The script makes the months from the server's date on: the days follow it.
        today = db.session.scalar(text("SELECT current_date"))
        municipality = factories.Municipality()
        citizen = factories.Citizen(municipality=municipality)
        day = date(today.year, today.month, 1) + timedelta(days=27)  # late in the month
        visit = factories.Visit(citizen=citizen, day=day)
        line = factories.VisitService(visit=visit, planned_minutes=30)
        db.session.commit()
        assert partition_of(line) == f"visit_service_{day:%Y_%m}"

        # Moved into next month, the line moves to that month's partition with its visit.
        visit.day = day + timedelta(days=7)
        db.session.commit()
        assert partition_of(line) == f"visit_service_{visit.day:%Y_%m}"
        assert db.session.scalar(select(VisitService.day).where(VisitService.id == line.id)) == (
            visit.day
        )

        # Ids still come from the one sequence; the nightly evaluation reads the windows.
        second = factories.VisitService(visit=visit)
        db.session.commit()
        assert second.id == line.id + 1
        evaluate_municipality(db.session, municipality.id, as_of=today)
        db.session.commit()
        db.session.delete(visit)  # the lines go with it (ON DELETE CASCADE)
        db.session.commit()
        assert db.session.scalar(select(db.func.count(VisitService.id))) == 0
        assert db.session.scalar(select(db.func.count(Visit.id))) == 0


def test_the_script_refuses_a_table_partitioned_already(partitioned_app):
    with pytest.raises(AssertionError, match="partitioned already"):
        run_script(partitioned_app.config["SQLALCHEMY_DATABASE_URI"])
