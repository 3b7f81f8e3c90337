"""Helpers for testing that a service is one unit of work (issue 16; cosmicpython).

A service writes its change and its audit entry and commits, or writes nothing. The
failure half-way is the database refusing the audit entry, which is written after the
change (a trigger on audit_entry, standing in for a full disk or a lost connection): the
change already made in the transaction must go with it. Use the ``audit_log_refuses``
fixture (import it into the test module) and ``nothing_written_when_the_audit_entry_is_refused``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from selvvisitation.extensions import db

REFUSED = "the audit log cannot be written"


def everything() -> dict[str, list[tuple]]:
    """Every row of every table: what "nothing written" is compared with."""
    db.session.expire_all()
    return {
        table.name: sorted((tuple(row) for row in db.session.execute(select(table))), key=repr)
        for table in db.metadata.sorted_tables
    }


def _refusing_trigger(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            "CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{REFUSED}'; END $$",
            "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()",
        ]
    return [
        "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_entry "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"
    ]


def _without_refusing_trigger(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            "DROP TRIGGER IF EXISTS test_refuse_audit ON audit_entry",
            "DROP FUNCTION IF EXISTS test_refuse_audit()",
        ]
    return ["DROP TRIGGER IF EXISTS test_refuse_audit"]


def _in_own_transaction(statements: list[str]) -> None:
    """DDL on a connection of its own, committed there: whatever transaction or savepoint
    the test left the session in cannot keep the trigger alive for the next test (a
    worker's later tests then all failed at "trigger already exists"). The session's own
    transaction ends first, so it holds no lock the DDL would wait for."""
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


@pytest.fixture
def audit_log_refuses() -> Iterator[None]:
    """The database refuses every new audit entry until the test ends."""
    dialect = db.engine.dialect.name
    db.session.commit()  # what the test's other fixtures made is the test's starting point
    _in_own_transaction(_without_refusing_trigger(dialect) + _refusing_trigger(dialect))
    try:
        yield
    finally:
        db.session.rollback()
        _in_own_transaction(_without_refusing_trigger(dialect))


def nothing_written_when_the_audit_entry_is_refused(action: Callable[[], object]) -> None:
    before = everything()
    with pytest.raises(DBAPIError, match=REFUSED):
        action()
    assert everything() == before
