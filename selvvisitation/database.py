"""Engine settings that make SQLite behave like the production database."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

# How transactions take SQLite's write lock (security.locking.install sets ON_WRITE for
# each request; outside a request, e.g. the CLI, it stays DEFERRED). Either way a
# transaction that must hold the lock from its first read asks for BEGIN IMMEDIATE with
# lock_for_write.
DEFERRED = "deferred"  # plain BEGIN; the first write asks SQLite to upgrade the lock
ON_WRITE = "on_write"  # BEGIN; just before the first write, the read-only part ends and
# BEGIN IMMEDIATE waits for the lock
transaction_mode: ContextVar[str] = ContextVar("sqlite_transaction_mode", default=DEFERRED)

# Statements that need the write lock; a SAVEPOINT is taken to write inside it.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOIN")


def _writes(statement: str) -> bool:
    return statement.lstrip()[:8].upper().startswith(_WRITES)


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, start transactions, so we can say BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database and engine.url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writing transaction asks for BEGIN IMMEDIATE (security.locking.lock_for_write):
        # SQLite ignores SELECT … FOR UPDATE, so the write lock is taken up front.
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        connection.info["sqlite_write_lock"] = immediate  # see security.locking.lock_for_write

    @event.listens_for(engine, "before_cursor_execute")
    def _before_write(connection: Any, cursor: Any, statement: str, *_args: Any) -> None:
        # In WAL mode a deferred transaction that has read cannot wait for the write lock:
        # if another connection committed meanwhile, its first write fails at once with
        # SQLITE_BUSY ("database is locked"); the busy timeout does not apply. In a request
        # (ON_WRITE), end the read-only part and take the write lock, waiting for it like
        # any writer. Nothing was written yet, so nothing is lost; what was read is not
        # re-checked (as under PostgreSQL's READ COMMITTED: checks that must hold until
        # the write take lock_for_write first).
        if connection.info.get("sqlite_write_lock", True) or not _writes(statement):
            return
        connection.info["sqlite_write_lock"] = True  # the first write takes it, one way or other
        # The first SAVEPOINT counts as a write, so the COMMIT never ends an open savepoint.
        if transaction_mode.get() == ON_WRITE:
            cursor.execute("COMMIT")
            cursor.execute("BEGIN IMMEDIATE")


def configure_replica_engine(engine: Engine) -> None:
    """The replica's engine reads and never writes, on every connection it opens.

    A real PostgreSQL hot standby refuses writes by itself; a second database standing in
    for one (the tests', or a logical replica) would not, so the connections are made read
    only here: a write that strays to the replica fails instead of landing where the primary
    never sees it (docs/deployment.md, "A read replica").
    """
    configure_engine(engine)

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        cursor.close()
        if engine.dialect.name != "sqlite":
            dbapi_connection.commit()  # psycopg began a transaction for the SET
