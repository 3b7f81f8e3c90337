"""Selects of columns only, run on the session's connection rather than through the ORM.

A select of mapped columns (``select(Visit.id, Citizen.name, …)``) run by
``Session.execute`` still goes through the ORM's execution: its rows are made one by one by
the ORM's loading, though no object is made. Run on the session's connection, the same
statement in the same transaction gives the same rows from the driver's cursor directly
(issue 17: the day list's statement of 54 rows, 0.58 → 0.44 ms of CPU on PostgreSQL,
0.65 → 0.52 ms on SQLite).

Only for statements that select columns, never an entity: an entity needs the ORM to be
made. Like every service module: takes the session, never commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import CursorResult, Executable
from sqlalchemy.orm import Session


def read_columns(
    session: Session, statement: Executable, parameters: Mapping[str, Any] | None = None
) -> CursorResult[*tuple[Any, ...]]:
    """The rows of ``statement``, a select of columns, in the session's transaction.

    What the session holds unwritten is written first, as ``Session.execute`` does when
    autoflush is on: the rows must see it.
    """
    if session.autoflush:
        session.flush()
    connection = session.connection(bind_arguments={"clause": statement})
    return connection.execute(statement, parameters)
