"""The demo data of each release survive every revision since it (STYLE.md "Migrations after a
release"; SecureDrop's securedrop/tests/migrations/).

A database is built at a release's revision and filled with the demo data that release made
(`seed-demo` in the demo configuration, all of it, written once by `make release-migrations`;
1.0.0's: 14,404 rows in 51 tables at 0001), then upgraded to head, stepped down one revision
and upgraded again. Every row and every column that still exists must come through unchanged,
and today's models must read every row. Runs on the suite's database (SQLite by default,
PostgreSQL with TEST_DATABASE_URL), once per run: pytest-xdist gives a test to one worker.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from selvvisitation.extensions import db
from selvvisitation.models import Citizen, Visit, VisitService
from tests.conftest import build_schema_from_migrations, drop_schema
from tests.migrations.release_data import as_released, load, read_back, read_snapshot

# Every release in migrations/released.json, each from its own demo data.
RELEASES = list(json.loads((Path(__file__).parents[2] / "migrations/released.json").read_text()))


@pytest.fixture
def released_database(app, request):
    """The suite's database at a release's revision with its demo data; the suite's schema
    after."""
    snapshot = read_snapshot(request.param)
    drop_schema()
    try:
        upgrade(revision=snapshot["revision"])
        with db.engine.begin() as connection:
            load(connection, snapshot)
        yield snapshot
    finally:
        db.session.remove()
        build_schema_from_migrations()


def _assert_data_unchanged(snapshot) -> None:
    with db.engine.connect() as connection:
        now = read_back(connection, snapshot)
    released = as_released(snapshot, now)
    assert {name: len(t["rows"]) for name, t in now.items()} == {
        name: len(t["rows"]) for name, t in released.items()
    }, "row counts per table changed"
    for name, table in released.items():
        assert now[name] == table, f"{name}: rows changed"


def _revision() -> str | None:
    with db.engine.connect() as connection:
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


@pytest.mark.slow
@pytest.mark.parametrize("released_database", RELEASES, indirect=True)
def test_a_releases_demo_data_come_through_the_upgrade_to_head_a_step_down_and_up_again(
    released_database,
):
    snapshot = released_database
    assert sum(len(t["rows"]) for t in snapshot["tables"].values()) > 10_000

    upgrade()
    head = _revision()
    _assert_data_unchanged(snapshot)
    # Today's models read every row: an enum value or a JSON document they cannot take fails.
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        if table.name in snapshot["tables"] and mapper.inherits is None:
            count = len(db.session.scalars(sa.select(mapper.class_)).all())
            assert count == len(snapshot["tables"][table.name]["rows"]), table.name
    # The demo's first citizen (selvvisitation/demo/seed.py), with her decision.
    inger = db.session.scalars(sa.select(Citizen).where(Citizen.name == "Inger Jensen")).one()
    assert inger.address == "Skolegade 39, 6700 Esbjerg"
    assert inger.current_decision is not None
    # 0003 gave every visit line its visit's day (the flag windows read it, issue 17).
    lines_by_day = (
        sa.select(Visit.day == VisitService.day, sa.func.count())
        .select_from(VisitService)
        .join(Visit, Visit.id == VisitService.visit_id)
    )
    assert dict(db.session.execute(lines_by_day.group_by(Visit.day == VisitService.day)).all()) == {
        True: len(snapshot["tables"]["visit_service"]["rows"])
    }
    db.session.remove()

    # One step down and up again, when there is a revision after the release to step down
    # from (just after a release is made there is none: its data loaded at head already).
    if head != snapshot["revision"]:
        downgrade(revision="-1")
        assert _revision() != head
        _assert_data_unchanged(snapshot)

        upgrade()
        assert _revision() == head
        _assert_data_unchanged(snapshot)
    # Still append-only at head (migration 0002): on SQLite a revision that rebuilds
    # audit_entry in batch mode drops its triggers and must create them again.
    with pytest.raises(sa.exc.DBAPIError, match="audit_entry is append-only"):
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE audit_entry SET purpose = 'covering tracks'"))
