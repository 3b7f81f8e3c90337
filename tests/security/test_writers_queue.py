"""SQLite's writers take turns for the whole writing transaction (database.WritersQueue).

Issue 17: with 2 gunicorn workers of 8 threads, a dialogue turn waited in SQLite's busy
handler, which sleeps up to 100 ms between its tries: p99 2.5-3.7 s for a p50 of 0.15-0.3 s.
The queue holds a writer's turn from BEGIN IMMEDIATE (security.locking.lock_for_write) or
its first write to its COMMIT or ROLLBACK. What is checked here is who holds the queue's
lock file when, from a file opened apart, as another worker process would see it: no
sleeps, no timing. SQLite only: PostgreSQL's writers wait on row locks in the server.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from selvvisitation.database import (
    BUSY_TIMEOUT_MS,
    HOLDS_ALREADY,
    ON_WRITE,
    WritersQueue,
    transaction_mode,
    writers_queue,
)
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry
from selvvisitation.security.locking import lock_for_write


@pytest.fixture(autouse=True)
def _sqlite_file(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL's writers wait on row locks")


@contextmanager
def _lock_file() -> Iterator[int]:
    queue = writers_queue(db.engine.url.database)
    assert queue is not None, "a database file has a writers' queue"
    fd = os.open(queue.path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        yield fd
    finally:
        os.close(fd)


def _someone_writes(fd: int) -> bool:
    """Whether a writer holds its turn: what another worker process would find."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    fcntl.flock(fd, fcntl.LOCK_UN)
    return False


def _audit_row() -> dict:
    return {"actor_kind": "system", "action": "read", "object_type": "test", "detail": {}}


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_a_writer_holds_its_turn_from_begin_immediate_until_the_transaction_ends(end):
    with _lock_file() as fd, Session(db.engine) as session:
        assert not _someone_writes(fd)
        lock_for_write(session)
        session.execute(select(AuditEntry.id)).all()
        assert _someone_writes(fd), "BEGIN IMMEDIATE took the turn"
        getattr(session, end)()
        assert not _someone_writes(fd), f"{end} gave the next writer its turn"


def test_a_request_s_first_write_takes_the_turn_and_its_commit_ends_it():
    """The ON_WRITE mode (security.locking.install): a page reads without the write lock
    and takes it just before its first write, as the audit entry of a read does."""
    token = transaction_mode.set(ON_WRITE)
    try:
        with _lock_file() as fd, Session(db.engine) as session:
            session.execute(select(AuditEntry.id)).all()
            assert not _someone_writes(fd), "reading takes no turn"
            session.execute(insert(AuditEntry), [_audit_row()])
            assert _someone_writes(fd)
            session.commit()
            assert not _someone_writes(fd)
    finally:
        transaction_mode.reset(token)


def test_a_thread_that_holds_the_write_lock_writes_elsewhere_without_waiting_for_a_turn():
    """The turn is the thread's own: waiting for it on a second connection would wait for
    itself (until the busy timeout, 30 s). The second connection asks SQLite at once,
    which refuses it while the first holds the lock (its busy timeout set to 0 here)."""
    with Session(db.engine) as first, db.engine.connect() as second:
        lock_for_write(first)
        first.execute(select(AuditEntry.id)).all()
        second.exec_driver_sql("PRAGMA busy_timeout=0")
        second.rollback()
        asked_as = []

        def asking(connection, _cursor, statement, *_args) -> None:
            if statement == "BEGIN IMMEDIATE":
                asked_as.append(connection.info.get("sqlite_writer"))

        event.listen(second, "before_cursor_execute", asking)
        with pytest.raises(OperationalError, match="database is locked"):
            second.execution_options(sqlite_immediate=True).begin()
        assert asked_as == [HOLDS_ALREADY], "asked SQLite at once, without a turn"
        second.rollback()
        second.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        second.rollback()
        first.rollback()
    with _lock_file() as fd:
        assert not _someone_writes(fd), "both turns ended"


def test_a_lock_file_that_cannot_be_opened_leaves_the_writers_to_sqlite_s_lock(tmp_path):
    """A lock file made by another user (a job run as root, say) must not stop the app's
    writes: the writer goes without a turn, as before the queue."""
    queue = WritersQueue(str(tmp_path))  # a folder: it cannot be opened for writing
    assert queue.enter(timeout=1) is False
    assert queue.enter(timeout=1) is False, "the failed try holds nothing"
