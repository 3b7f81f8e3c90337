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
