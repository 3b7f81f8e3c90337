"""Write locks that hold on both databases.

Two workers, or a worker and a relative, acting on the same visit at once must
never push it past its time frame. On PostgreSQL the visit row is locked with
SELECT … FOR UPDATE. SQLite silently ignores FOR UPDATE, so there the writing
transaction must start with BEGIN IMMEDIATE, which takes the database's write
lock before the first read (measured without either: 16 concurrent requests
booked 240 minutes into a 60-minute frame).

Call `lock_for_write(session)` before the first read of a writing transaction,
then `locked_visit(session, visit_id)` to read the visit you will change.

Every request also runs in the ON_WRITE transaction mode on SQLite (`install`,
database.py): it reads without the write lock, and just before its first write the
read-only part of the transaction ends and BEGIN IMMEDIATE waits for the lock (in
WAL mode a deferred transaction that has read cannot wait: it fails at once with
"database is locked" when another request committed meanwhile). So the lock is held
only from the first write, or from lock_for_write, to the commit: a page that logs
what was read (the audit log) or a sign-in that counts failures never queues for
the lock while it renders or hashes. A view whose check must hold until its write
calls lock_for_write first, as it takes FOR UPDATE on PostgreSQL, which needs
neither mode.

On a SQLite file, the writers of all workers and threads take turns for the lock
(database.WritersQueue), from BEGIN IMMEDIATE or the first write to the commit, rather
than retrying in SQLite's busy handler.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from flask import Flask, g
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from selvvisitation.database import DEFERRED, ON_WRITE, transaction_mode

if TYPE_CHECKING:
    from selvvisitation.models import Visit


class WriteLockError(RuntimeError):
    """lock_for_write was called after changes were made in the session."""


def lock_for_write(session: Session) -> None:
    """Begin the writing transaction; on SQLite with BEGIN IMMEDIATE (the write lock up front).

    Call it before reading what you will check and change. Reads made earlier in
    the request (the signed-in user) are expired and reload on use, unless the
    transaction holds the write lock already (SQLite), so it is not queued for twice.
    On SQLite the read transaction is rolled back to begin IMMEDIATE; on PostgreSQL it
    goes on (READ COMMITTED: what the next statement reads is what is committed then).
    """
    if session.new or session.dirty or session.deleted:
        raise WriteLockError("call lock_for_write before changing anything")
    connection = session.connection()
    if connection.info.get("sqlite_write_lock"):
        return  # SQLite, and this transaction holds the write lock already (began IMMEDIATE)
    if connection.dialect.name == "postgresql":
        # READ COMMITTED: every statement from here on reads what is committed, so the
        # transaction that read goes on writing; only what was read is read again. Ending
        # it cost a ROLLBACK, the pool's check-in, check-out and ping, and a BEGIN: five
        # round trips, the most of a turn's CPU over SQLite's (issue 17).
        session.expire_all()
        session.info[_READS_MARK] = session.info.get(_READS_MARK, 0) + 1
        return
    session.rollback()  # ends the read transaction, if any (a no-op otherwise)
    # database.configure_engine's "begin" hook turns this option into BEGIN IMMEDIATE.
    session.connection(execution_options={"sqlite_immediate": True})


_READS_MARK = "reads_mark"


def reads_mark(session: Session) -> int:
    """Changes when lock_for_write makes what the transaction read before it stale.

    For what a request keeps of its reads as plain values, not objects: lock_for_write
    expires the objects, and a value kept with the transaction and this mark is read
    again when either has changed (on SQLite the lock begins a new transaction; on
    PostgreSQL the transaction goes on)."""
    return int(session.info.get(_READS_MARK, 0))


def lock_key(session: Session, key: str) -> None:
    """Serialise the transactions that name the same ``key`` until each ends.

    For a check of rows that do not exist yet (a count of failures, say), where no
    row can be locked FOR UPDATE. PostgreSQL: a transaction-level advisory lock on a
    64-bit number derived from the key. SQLite: nothing more is needed, since
    lock_for_write already holds the whole database's write lock. Call after
    lock_for_write.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:number)"), {"number": number})


def locked_visit(session: Session, visit_id: int) -> Visit | None:
    """The visit row, locked until the transaction ends (FOR UPDATE; a no-op on SQLite)."""
    from selvvisitation.models import Visit

    return session.scalars(select(Visit).where(Visit.id == visit_id).with_for_update()).first()


def install(app: Flask) -> None:
    """Run each request in the ON_WRITE mode (SQLite) before anything reads the database."""

    def _transaction_mode() -> None:
        g.transaction_mode_token = transaction_mode.set(ON_WRITE)

    # First of all before_request functions: the actor and CSRF checks read the database.
    app.before_request_funcs.setdefault(None, []).insert(0, _transaction_mode)

    @app.teardown_request
    def _back_to_deferred(_error: BaseException | None = None) -> None:
        token = g.pop("transaction_mode_token", None)
        if token is not None:
            try:
                transaction_mode.reset(token)
            except ValueError:  # torn down in another context than it began in
                transaction_mode.set(DEFERRED)
