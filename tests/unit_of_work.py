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


@pytest.fixture
def audit_log_refuses() -> Iterator[None]:
    """The database refuses every new audit entry until the test ends."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(
            text(
                "CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN RAISE EXCEPTION '{REFUSED}'; END $$"
            )
        )
        db.session.execute(
            text(
                "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_entry "
                "FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()"
            )
        )
    else:
        db.session.execute(
            text(
                "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_entry "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"
            )
        )
    db.session.commit()
    yield
    db.session.rollback()
    if dialect == "postgresql":
        db.session.execute(text("DROP TRIGGER test_refuse_audit ON audit_entry"))
        db.session.execute(text("DROP FUNCTION test_refuse_audit()"))
    else:
        db.session.execute(text("DROP TRIGGER test_refuse_audit"))
    db.session.commit()


def nothing_written_when_the_audit_entry_is_refused(action: Callable[[], object]) -> None:
    before = everything()
    with pytest.raises(DBAPIError, match=REFUSED):
        action()
    assert everything() == before
