"""Counting the SQL statements a request issues (issue 17), on whichever database the
suite runs on.

Counted with the engine's own statement events. Transaction control is left out: SQLite
gets its BEGIN as a statement from database.configure_engine, while PostgreSQL's driver
begins a transaction without one, so only the statements that read or write count, and
the figures are the same on both databases.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from selvvisitation.extensions import db

_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """The statements issued inside the block, in order (transaction control left out)."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _many) -> None:
        if not statement.lstrip().upper().startswith(_TRANSACTION_CONTROL):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


_FETCHES = ("_fetchone_impl", "_fetchmany_impl", "_fetchall_impl", "_fetchiter_impl")


@contextmanager
def counted_rows() -> Iterator[list[int]]:
    """The rows fetched from the database inside the block, whether the ORM or a Core
    select asked for them: one number in the list per fetch (sum it)."""
    from sqlalchemy.engine import CursorResult

    fetched: list[int] = []
    real = {name: getattr(CursorResult, name) for name in _FETCHES}

    def fetchone(self, *args, **kwargs):
        row = real["_fetchone_impl"](self, *args, **kwargs)
        fetched.append(0 if row is None else 1)
        return row

    def fetchmany(self, *args, **kwargs):
        rows = real["_fetchmany_impl"](self, *args, **kwargs)
        fetched.append(len(rows))
        return rows

    def fetchall(self, *args, **kwargs):
        rows = real["_fetchall_impl"](self, *args, **kwargs)
        fetched.append(len(rows))
        return rows

    def fetchiter(self, *args, **kwargs):
        for row in real["_fetchiter_impl"](self, *args, **kwargs):
            fetched.append(1)
            yield row

    counting = zip(_FETCHES, (fetchone, fetchmany, fetchall, fetchiter), strict=True)
    for name, function in counting:
        setattr(CursorResult, name, function)
    try:
        yield fetched
    finally:
        for name, function in real.items():
            setattr(CursorResult, name, function)
