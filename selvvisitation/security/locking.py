"""Write locks that hold on both databases.

Two workers, or a worker and a relative, acting on the same visit at once must
never push it past its time frame. On PostgreSQL the visit row is locked with
SELECT … FOR UPDATE. SQLite silently ignores FOR UPDATE, so there the writing
transaction must start with BEGIN IMMEDIATE, which takes the database's write
lock before the first read (measured without either: 16 concurrent requests
booked 240 minutes into a 60-minute frame).

Call `lock_for_write(session)` before the first read of a writing transaction,
then `locked_visit(session, visit_id)` to read the visit you will change.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session


class WriteLockError(RuntimeError):
    """lock_for_write was called after changes were made in the session."""


def lock_for_write(session: Session) -> None:
    """Begin the writing transaction; on SQLite with BEGIN IMMEDIATE (the write lock up front).

    Call it before reading what you will check and change. Reads made earlier in
    the request (the signed-in user) are rolled back and reload on use.
    """
    if session.new or session.dirty or session.deleted:
        raise WriteLockError("call lock_for_write before changing anything")
    session.rollback()  # ends the read transaction, if any (a no-op otherwise)
    # database.configure_engine's "begin" hook turns this option into BEGIN IMMEDIATE.
    session.connection(execution_options={"sqlite_immediate": True})


def locked_visit(session: Session, visit_id: int) -> Any:
    """The visit row, locked until the transaction ends (FOR UPDATE; a no-op on SQLite)."""
    from selvvisitation.models import Visit

    return session.scalars(select(Visit).where(Visit.id == visit_id).with_for_update()).first()
