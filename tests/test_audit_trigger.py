"""The audit log is append-only in the database itself (issue 16; migration 0002).

The ORM guard (tests/test_models.py) stops a flushed change; these triggers stop what does
not go through a flush: raw SQL, a bulk update()/delete() statement, another program. The
suite's database is built by the migrations (tests/conftest.py), so every test runs with
them: an app path that changed or deleted an audit entry would fail its own test. Runs on
SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from selvvisitation.domain.types import ActorKind
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry
from tests.conftest import build_schema_from_migrations

INSERT = (
    "INSERT INTO audit_entry (at, actor_kind, actor_role, organisation, action, object_type, "
    "object_id, purpose, detail) VALUES (CURRENT_TIMESTAMP, 'system', '', '', 'read', '', '', "
    "'', '{}')"
)
CHANGES = {
    "update": "UPDATE audit_entry SET purpose = 'covering tracks'",
    "delete": "DELETE FROM audit_entry",
    "delete one": "DELETE FROM audit_entry WHERE id = (SELECT MIN(id) FROM audit_entry)",
}


def _insert_one() -> None:
    with db.engine.begin() as connection:
        connection.execute(sa.text(INSERT))


def _entries() -> list[tuple]:
    with db.engine.connect() as connection:
        return connection.execute(sa.text("SELECT id, purpose FROM audit_entry ORDER BY id")).all()


def test_raw_sql_can_insert_an_audit_entry():
    _insert_one()
    _insert_one()
    assert [purpose for _id, purpose in _entries()] == ["", ""]


@pytest.mark.parametrize("statement", CHANGES.values(), ids=CHANGES.keys())
def test_raw_sql_can_neither_change_nor_delete_an_audit_entry(statement):
    _insert_one()
    before = _entries()
    with pytest.raises(sa.exc.DBAPIError, match="audit_entry is append-only"):
        with db.engine.begin() as connection:
            connection.execute(sa.text(statement))
    assert _entries() == before


def test_a_bulk_orm_update_which_skips_the_flush_guard_is_refused_too():
    db.session.add(AuditEntry(actor_kind=ActorKind.SYSTEM, action="read"))
    db.session.commit()
    with pytest.raises(sa.exc.DBAPIError, match="audit_entry is append-only"):
        db.session.execute(sa.update(AuditEntry).values(purpose="covering tracks"))
    db.session.rollback()
    with pytest.raises(sa.exc.DBAPIError, match="audit_entry is append-only"):
        db.session.execute(sa.delete(AuditEntry))
    db.session.rollback()
    assert db.session.scalars(sa.select(AuditEntry.purpose)).all() == [""]


def test_postgresql_refuses_a_truncate_of_the_audit_log():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE without WHERE is refused above")
    _insert_one()
    with pytest.raises(sa.exc.DBAPIError, match="audit_entry is append-only: TRUNCATE"):
        with db.engine.begin() as connection:
            connection.execute(sa.text("TRUNCATE audit_entry"))
    assert len(_entries()) == 1


def test_downgrading_0002_lifts_the_triggers_and_upgrading_puts_them_back(app):
    _insert_one()
    try:
        downgrade(revision="0001")
        with db.engine.connect() as connection:  # at 1.0 only the ORM guards the log
            transaction = connection.begin()
            connection.execute(sa.text(CHANGES["update"]))
            transaction.rollback()
        upgrade(revision="0002")
        with pytest.raises(sa.exc.DBAPIError, match="audit_entry is append-only"):
            with db.engine.begin() as connection:
                connection.execute(sa.text(CHANGES["update"]))
    finally:
        db.session.remove()
        build_schema_from_migrations()


def test_downgrading_0004_keeps_the_triggers(app):
    # On SQLite 0004 rebuilds the table both ways, which drops its triggers: it makes them again.
    _insert_one()
    try:
        downgrade(revision="0003")
        with pytest.raises(sa.exc.DBAPIError, match="audit_entry is append-only"):
            with db.engine.begin() as connection:
                connection.execute(sa.text(CHANGES["update"]))
        assert len(_entries()) == 1
    finally:
        db.session.remove()
        build_schema_from_migrations()


def test_an_audit_entry_locks_no_row_of_the_people_it_names(app, factories):
    # Migration 0004 (issue 17): with foreign keys, PostgreSQL locked the citizen's and the
    # worker's rows (FOR KEY SHARE) until the entry's transaction ended, for every page read.
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks: SQLite locks the whole database for a writer")
    citizen = factories.Citizen()
    worker = factories.StaffUser(municipality=citizen.municipality)
    db.session.commit()
    citizen_id, worker_id = citizen.id, worker.id
    with db.engine.connect() as writer, db.engine.connect() as other:
        writing = writer.begin()
        writer.execute(
            sa.insert(AuditEntry.__table__).values(
                at=sa.func.now(),
                actor_kind=ActorKind.STAFF,
                actor_staff_id=worker_id,
                actor_role="home_care_worker",
                organisation="",
                citizen_id=citizen_id,
                action="read",
                object_type="visit_list",
                object_id="",
                purpose="",
                detail={},
            )
        )
        # Another request may take both rows for update at once while the entry is open.
        with other.begin():
            for table, row_id in (("citizen", citizen_id), ("staff_user", worker_id)):
                other.execute(
                    sa.text(f"SELECT id FROM {table} WHERE id = :id FOR UPDATE NOWAIT"),
                    {"id": row_id},
                )
        writing.commit()
