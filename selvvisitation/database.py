"""Engine settings that make SQLite behave like the production database."""

from __future__ import annotations

import os
import threading
import time
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

try:
    import fcntl
except ImportError:  # Windows: there SQLite's busy handler alone orders the writers
    fcntl = None  # type: ignore[assignment]
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


# How long a writer waits for SQLite's write lock (PRAGMA busy_timeout), and at most for
# its turn in the writers' queue before it asks SQLite anyway.
BUSY_TIMEOUT_MS = 30000
# The queue's lock file beside the database (as SQLite keeps its -wal and -shm there).
WRITERS_SUFFIX = "-writers"
_POLL_FIRST, _POLL_MOST = 0.0001, 0.002  # seconds between tries of another process's turn


class WritersQueue:
    """One SQLite database's writers take turns here for the whole writing transaction,
    from BEGIN IMMEDIATE (or the first write) to its COMMIT or ROLLBACK.

    SQLite lets one transaction write at a time; the others wait in its busy handler,
    which sleeps 1, 2, 5 … up to 100 ms between tries and so leaves the lock unused after
    it is free, and serves no one first: with 2 gunicorn workers of 8 threads, a dialogue
    turn's p99 was 2.5-3.7 s for a p50 of 0.15-0.3 s (issue 17). Here a worker's threads
    wait on one Python lock, which wakes the next at once, and the thread whose turn it is
    in its process waits for the other processes' turn on an flock of the lock file,
    tried every 0.1 to 2 ms. SQLite's own lock is still what keeps writers apart: the
    queue only orders who asks for it, so a writer that does not queue (another program,
    the sqlite3 shell) is kept out as before, and a writer that waited past the busy
    timeout asks SQLite anyway, which then answers "database is locked" as before.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    def _file(self) -> int:
        # An open file's flock is shared by every process that inherited it: a worker
        # forked from the master (gunicorn's preload_app) opens its own.
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    def enter(self, timeout: float) -> bool:
        """Wait for this writer's turn; False if ``timeout`` seconds passed first."""
        deadline = time.monotonic() + timeout
        if not self._lock.acquire(timeout=timeout):
            return False
        try:
            try:
                fd, pause = self._file(), _POLL_FIRST
            except OSError:  # a lock file this user may not open: SQLite's lock alone, then
                self._lock.release()
                return False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        break
                    time.sleep(pause)
                    pause = min(pause * 2, _POLL_MOST)
        except BaseException:
            self._lock.release()
            raise
        self._lock.release()
        return False

    def leave(self) -> None:
        try:
            fcntl.flock(self._file(), fcntl.LOCK_UN)
        finally:
            self._lock.release()

    def after_fork(self) -> None:
        """In a forked child: no thread of it holds a turn (the parent's threads are gone)."""
        self._lock = threading.Lock()
        self._fd = None


_QUEUES: dict[str, WritersQueue] = {}
# The connections each thread holds SQLite's write lock on: a thread that holds it on one
# connection and writes on another must not wait for a turn behind a thread that waits for
# that very lock (a deadlock until the busy timeout); it asks SQLite straight away.
_holding = threading.local()
# How a connection's writing transaction came to ask for SQLite's lock (its info["sqlite_writer"]).
QUEUED = "queued"  # in its turn, until it ends
HOLDS_ALREADY = "holds already"  # its thread holds the lock on another connection: no turn
UNQUEUED = "unqueued"  # no queue (in memory, Windows), or none came within the busy timeout


def writers_queue(database: str | None) -> WritersQueue | None:
    """The queue of a database file's writers (None for an in-memory database)."""
    if fcntl is None or not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = str(Path(database).resolve()) + WRITERS_SUFFIX
    return _QUEUES.setdefault(path, WritersQueue(path))


def _after_fork_in_child() -> None:
    for queue in _QUEUES.values():
        queue.after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _take_turn(queue: WritersQueue | None, info: dict[str, Any]) -> None:
    """Before this connection asks for SQLite's write lock: queue for it (see WritersQueue)."""
    holding = getattr(_holding, "count", 0)
    if holding:
        info["sqlite_writer"] = HOLDS_ALREADY
    elif queue is not None and queue.enter(BUSY_TIMEOUT_MS / 1000):
        info["sqlite_writer"] = QUEUED
    else:
        info["sqlite_writer"] = UNQUEUED
    _holding.count = holding + 1


def _end_turn(queue: WritersQueue | None, info: dict[str, Any]) -> None:
    """The connection's writing transaction ended: the next writer's turn."""
    writer = info.pop("sqlite_writer", None)
    if writer is None:
        return
    _holding.count = max(getattr(_holding, "count", 1) - 1, 0)
    if writer == QUEUED and queue is not None:
        queue.leave()


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    queue = writers_queue(engine.url.database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, start transactions, so we can say BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if engine.url.database and engine.url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writing transaction asks for BEGIN IMMEDIATE (security.locking.lock_for_write):
        # SQLite ignores SELECT … FOR UPDATE, so the write lock is taken up front.
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        if immediate:
            _take_turn(queue, connection.info)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        connection.info["sqlite_write_lock"] = immediate  # see security.locking.lock_for_write

    def _ended(connection: Any, end: str) -> None:
        # The transaction ends first, then the next writer's turn begins: ended here, the
        # driver's own COMMIT or ROLLBACK after this hook finds no transaction and does
        # nothing. Should it fail, the driver tries again and reports the error, and the
        # turn ends with the ROLLBACK that follows.
        if "sqlite_writer" not in connection.info:
            return
        try:
            getattr(connection.connection.dbapi_connection, end)()
        except Exception:  # the driver tries again and reports it (see above)
            if end == "commit":
                return
        _end_turn(queue, connection.info)

    @event.listens_for(engine, "commit")
    def _on_commit(connection: Any) -> None:
        _ended(connection, "commit")

    @event.listens_for(engine, "rollback")
    def _on_rollback(connection: Any) -> None:
        _ended(connection, "rollback")

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        # Whatever ended the connection's use (an invalidated connection, say) ends its turn.
        if record is not None:
            _end_turn(queue, record.info)

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
            cursor.execute("COMMIT")  # not waiting for a turn with an old snapshot open
            _take_turn(queue, connection.info)
            cursor.execute("BEGIN IMMEDIATE")
        else:
            _take_turn(queue, connection.info)


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


class NoIndexOnSQLite(FunctionElement[Any]):
    """The column, which SQLite's planner may not look up by its own index (SQLite's unary
    +); any other database reads the plain column.

    SQLite keeps no statistics unless ANALYZE ran, and may then look a join up by the
    wrong index: visit_service joined on the visit id and the day picked the day's index
    and read every line of the municipality's day for each visit (issue 17). Wrapping the
    day keeps it to the visit id's index; PostgreSQL's SQL is the same as without it.
    """

    inherit_cache = True


@compiles(NoIndexOnSQLite)
def _plain_column(element: NoIndexOnSQLite, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(NoIndexOnSQLite, "sqlite")
def _unindexed_column(element: NoIndexOnSQLite, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.clauses, **kw)
